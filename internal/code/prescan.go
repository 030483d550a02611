package code

import (
	"bytes"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Parsing only what a handler can reach.
//
// Most of the time of handler analysis is tree-sitter's parse. A handler
// module's top-level functions that the handler cannot reach within the
// analysis's call depth are never analysed, so they need not be parsed:
// keepRanges finds them with a cheap lexical pre-scan and returns the rest
// of the file, which tree-sitter then parses as its included ranges.
//
// The pre-scan splits a file into top-level blocks (a statement starting
// in column 0 and the lines up to the next one, outside strings, comments
// and brackets). A block is a function block when it is a plain function
// definition: Python `def`/`async def` (not decorated), JavaScript and
// TypeScript `function NAME`, `async function NAME`, `export function
// NAME` and `const|let|var NAME = function/arrow with a braced body`,
// ending with its body. Every other block (imports, module-level code,
// classes, decorated definitions) is kept. Function blocks are kept by
// reachability: the handler's blocks are at depth 0; a block at depth d
// (run by the analysis when d <= maxDepth) reaches every function block
// whose name it mentions as a call (`name(`) at depth d+1, and at depth 1
// when it mentions the name otherwise (the function may be passed, stored
// or returned, then called from anywhere); module-level blocks reach what
// they mention at depth 0. Mentions are any identifier-like word of the
// block's text, strings and comments included, so they over-approximate
// every reference the analysis can follow. A function block is kept when
// its depth is at most maxDepth+1: a block at maxDepth+1 is never
// analysed, but its definition must exist for a call to it to resolve to
// a local function the analysis then does not follow, as in the whole
// file.
//
// A skipped block must not change anything else the analysis reads from
// the file: blocks that mention imports (Python nested imports and JS
// require/import calls, which feed the function's imports and the files
// it reads) or Python 2 statements are kept. When the pre-scan is unsure
// (an unterminated string or comment, unbalanced brackets, JSX), it
// returns nothing and the file is parsed whole; the caller parses it whole
// again when the partial tree has a syntax error or a top-level node
// crossing a skipped block (see parseInto).
//
// The one thing a partial parse cannot see is a syntax error inside a
// skipped function that does not unbalance brackets or strings (such as
// `x = = 1`): it is not reported, as the function is not analysed.

// srcRange is a part of a source file to parse: bytes [start, end) that
// begin on line startRow and end on line endRow (0-based), each at column
// 0; end is -1 for the end of the file.
type srcRange struct {
	start, end       int
	startRow, endRow int
}

// preBlock is one top-level block of a source file.
type preBlock struct {
	start, end int // bytes
	row        int // 0-based line of start
	// name is the function's name for a function block, else "".
	name string
	// skippable: a function block that may be left out when unreached.
	skippable bool
	// depth is the least call depth the analysis may run it at (-1:
	// unreached).
	depth int
}

// keepRanges returns the parts of src the analysis of the handlers named
// in handlers can read, or ok false when the whole file is to be parsed
// (nothing to skip, or the pre-scan is unsure).
func keepRanges(lang model.Format, src []byte, handlers []string) (ranges []srcRange, skipped int, ok bool) {
	if len(handlers) == 0 {
		return nil, 0, false
	}
	var blocks []preBlock
	switch lang {
	case model.FormatPython:
		blocks, ok = pythonBlocks(src)
	case model.FormatJavaScript, model.FormatTypeScript:
		blocks, ok = jsBlocks(src)
	}
	if !ok || len(blocks) < 2 {
		return nil, 0, false
	}
	byName := map[string][]int{}
	for i := range blocks {
		b := &blocks[i]
		b.depth = -1
		if b.name != "" {
			byName[b.name] = append(byName[b.name], i)
		}
	}
	if len(byName) == 0 {
		return nil, 0, false
	}
	// Breadth by depth: buckets[d] holds blocks first reached at depth d.
	const keepDepth = maxDepth + 1
	var buckets [keepDepth + 1][]int
	reach := func(i, d int) {
		if b := &blocks[i]; b.depth < 0 || d < b.depth {
			b.depth = d
			buckets[d] = append(buckets[d], i)
		}
	}
	var roots []int
	for i := range blocks {
		if blocks[i].name == "" {
			roots = append(roots, i)
		}
	}
	for _, h := range handlers {
		for _, i := range byName[h] {
			reach(i, 0)
		}
	}
	expand := func(i, d int, root bool) {
		b := blocks[i]
		mentions(src[b.start:b.end], byName, func(targets []int, call bool) {
			nd := 1
			switch {
			case root:
				nd = 0
			case call:
				nd = d + 1
			}
			for _, t := range targets {
				reach(t, nd)
			}
		})
	}
	for _, i := range roots {
		expand(i, 0, true)
	}
	for d := 0; d <= maxDepth; d++ {
		for k := 0; k < len(buckets[d]); k++ {
			i := buckets[d][k]
			if blocks[i].depth == d {
				expand(i, d, false)
			}
		}
	}
	// The blocks kept, merged into ranges.
	for _, b := range blocks {
		keep := !b.skippable || b.depth >= 0 && b.depth <= keepDepth
		if !keep {
			skipped += b.end - b.start
			continue
		}
		if n := len(ranges); n > 0 && ranges[n-1].end == b.start {
			ranges[n-1].end = b.end
			continue
		}
		ranges = append(ranges, srcRange{start: b.start, end: b.end, startRow: b.row})
	}
	if skipped == 0 || len(ranges) == 0 {
		return nil, 0, false
	}
	// End rows: a range ends where the next block starts (column 0).
	rowAt := map[int]int{}
	for _, b := range blocks {
		rowAt[b.start] = b.row
	}
	for i := range ranges {
		if ranges[i].end >= len(src) {
			ranges[i].end = -1
			continue
		}
		ranges[i].endRow = rowAt[ranges[i].end]
	}
	return ranges, skipped, true
}

// mentions calls found for every identifier-like word of text that names
// a function block, with whether it is written as a call (followed by an
// opening parenthesis).
func mentions(text []byte, byName map[string][]int, found func(targets []int, call bool)) {
	for i := 0; i < len(text); {
		c := text[i]
		if !identStart(c) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && identByte(text[j]) {
			j++
		}
		if i > 0 && (text[i-1] >= '0' && text[i-1] <= '9') {
			i = j // part of a number such as 1e5
			continue
		}
		if t, ok := byName[string(text[i:j])]; ok {
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			found(t, k < len(text) && text[k] == '(')
		}
		i = j
	}
}

func identStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func identByte(c byte) bool { return identStart(c) || c >= '0' && c <= '9' }

// word returns the identifier at the start of s, or "".
func word(s []byte) string {
	if len(s) == 0 || !identStart(s[0]) {
		return ""
	}
	j := 1
	for j < len(s) && identByte(s[j]) {
		j++
	}
	return string(s[:j])
}

// afterWord returns s after the keyword kw and at least one space or tab,
// or nil when s does not start so.
func afterWord(s []byte, kw string) []byte {
	if !bytes.HasPrefix(s, []byte(kw)) || len(s) == len(kw) || s[len(kw)] != ' ' && s[len(kw)] != '\t' {
		return nil
	}
	return bytes.TrimLeft(s[len(kw):], " \t")
}

// pythonBlocks splits Python source into top-level blocks, or reports
// false when it cannot be sure where they are.
func pythonBlocks(src []byte) ([]preBlock, bool) {
	var blocks []preBlock
	depth := 0
	var quote byte // the open string's quote, 0 outside strings
	triple := false
	cont := false // the previous line ended with a backslash
	decorated := false
	row := 0
	for i := 0; i < len(src); {
		// Start of a line.
		if quote == 0 && depth == 0 && !cont {
			c := src[i]
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '#' && c != '\f' {
				line := src[i:]
				if e := bytes.IndexByte(line, '\n'); e >= 0 {
					line = line[:e]
				}
				def := afterWord(line, "def")
				if d := afterWord(line, "async"); d != nil {
					def = afterWord(d, "def")
				}
				isDef := def != nil || afterWord(line, "class") != nil
				switch {
				case len(blocks) > 0 && decorated && (isDef || c == '@'):
					// The decorated definition goes on.
					decorated = !isDef
				case len(blocks) > 0 && (hasKeyword(line, "elif") || hasKeyword(line, "except") || hasKeyword(line, "finally") || hasKeyword(line, "else")):
					// A compound statement goes on.
					blocks[len(blocks)-1].skippable = false
				default:
					b := preBlock{start: i, row: row}
					if c == '@' {
						decorated = true
					} else if def != nil {
						b.name = word(def)
						b.skippable = b.name != ""
					}
					blocks = append(blocks, b)
				}
			}
		}
		cont = false
		// The rest of the line.
		for ; i < len(src); i++ {
			c := src[i]
			if quote != 0 {
				switch {
				case c == '\\':
					i++
					if i < len(src) && src[i] == '\n' {
						row++
					}
				case c == '\n':
					if !triple {
						return nil, false // an unterminated string
					}
					row++
				case c == quote && (!triple || i+2 < len(src) && src[i+1] == quote && src[i+2] == quote):
					if triple {
						i += 2
					}
					quote, triple = 0, false
				}
				continue
			}
			if c == '\n' {
				break
			}
			switch c {
			case '#':
				for i+1 < len(src) && src[i+1] != '\n' {
					i++
				}
			case '\'', '"':
				quote = c
				if i+2 < len(src) && src[i+1] == c && src[i+2] == c {
					triple = true
					i += 2
				}
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
				if depth < 0 {
					return nil, false
				}
			case '\\':
				if i+1 < len(src) && src[i+1] == '\n' {
					cont = true
				} else if i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n' {
					cont = true
				}
			}
		}
		if i < len(src) && src[i] == '\n' {
			i++
			row++
		}
	}
	if quote != 0 || depth != 0 || cont || decorated {
		return nil, false
	}
	finishBlocks(blocks, len(src))
	for i := range blocks {
		b := &blocks[i]
		if b.skippable {
			text := src[b.start:b.end]
			// Nested imports are recorded wherever they are, and Python 2
			// statements are noted: such functions are parsed.
			if bytes.Contains(text, []byte("import")) || bytes.Contains(text, []byte("exec")) || looksPython2(text) {
				b.skippable = false
			}
		}
	}
	return blocks, true
}

// hasKeyword reports whether line starts with the keyword kw followed by
// a space, a colon or the end of the line.
func hasKeyword(line []byte, kw string) bool {
	if !bytes.HasPrefix(line, []byte(kw)) {
		return false
	}
	rest := line[len(kw):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == ':' || rest[0] == '\t' || rest[0] == '\r'
}

// finishBlocks sets each block's end to the next block's start; the
// first block takes what comes before it (blank and comment lines).
func finishBlocks(blocks []preBlock, n int) {
	if len(blocks) > 0 {
		blocks[0].start, blocks[0].row = 0, 0
	}
	for i := range blocks {
		if i+1 < len(blocks) {
			blocks[i].end = blocks[i+1].start
		} else {
			blocks[i].end = n
		}
	}
}

// jsBlocks splits JavaScript or TypeScript source into top-level blocks,
// or reports false when it cannot be sure where they are.
func jsBlocks(src []byte) ([]preBlock, bool) {
	var blocks []preBlock
	// stack holds the open brackets and template literals: '(', '[', '{'
	// and '`' (inside a template's text), '$' (a template's ${ … }).
	var stack []byte
	// Per block: the first brace opened at the block's top level and the
	// offset where it closed, and whether anything but a semicolon or a
	// comment came after it.
	type blockShape struct {
		brace, closed int
		after         bool
	}
	var shapes []blockShape
	regexOK := true // a '/' here starts a regular expression
	row := 0
	start := 0
	if bytes.HasPrefix(src, []byte("#!")) {
		// A shebang line: part of the first block.
		start = bytes.IndexByte(src, '\n')
		if start < 0 {
			return nil, false
		}
		blocks = append(blocks, preBlock{})
		shapes = append(shapes, blockShape{brace: -1, closed: -1})
	}
	for i := start; i < len(src); i++ {
		c := src[i]
		inTemplate := len(stack) > 0 && stack[len(stack)-1] == '`'
		if (i == 0 || src[i-1] == '\n') && len(stack) == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && startsStatement(src[i:]) {
			blocks = append(blocks, preBlock{start: i, row: row})
			shapes = append(shapes, blockShape{brace: -1, closed: -1})
		}
		if c == '\n' {
			row++
			continue
		}
		if inTemplate {
			switch c {
			case '\\':
				if i+1 < len(src) && src[i+1] == '\n' {
					row++
				}
				i++
			case '`':
				stack = stack[:len(stack)-1]
				regexOK = false
			case '$':
				if i+1 < len(src) && src[i+1] == '{' {
					stack = append(stack, '$')
					i++
					regexOK = true
				}
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' {
			continue
		}
		sig := true // c is significant (not a comment)
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
			sig = false
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return nil, false
			}
			row += bytes.Count(src[i:i+2+end], []byte{'\n'})
			i += 2 + end + 1
			sig = false
		case c == '/' && regexOK:
			inClass := false
		regex:
			for i++; ; i++ {
				if i >= len(src) || src[i] == '\n' {
					return nil, false
				}
				switch src[i] {
				case '\\':
					i++
				case '[':
					inClass = true
				case ']':
					inClass = false
				case '/':
					if !inClass {
						break regex
					}
				}
			}
			for i+1 < len(src) && identByte(src[i+1]) {
				i++ // flags
			}
			regexOK = false
		case c == '\'' || c == '"':
			for i++; ; i++ {
				if i >= len(src) || src[i] == '\n' {
					return nil, false
				}
				if src[i] == '\\' {
					i++
					if i < len(src) && src[i] == '\n' {
						row++
					}
					continue
				}
				if src[i] == c {
					break
				}
			}
			regexOK = false
		case c == '`':
			stack = append(stack, '`')
		case c == '(' || c == '[' || c == '{':
			if c == '{' && len(stack) == 0 && len(shapes) > 0 && shapes[len(shapes)-1].brace < 0 {
				shapes[len(shapes)-1].brace = i
			}
			stack = append(stack, c)
			regexOK = true
		case c == ')' || c == ']' || c == '}':
			if len(stack) == 0 {
				return nil, false
			}
			top := stack[len(stack)-1]
			if top == '$' && c == '}' {
				stack = stack[:len(stack)-1] // back in the template's text
				continue
			}
			if top != map[byte]byte{')': '(', ']': '[', '}': '{'}[c] {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			if c == '}' && len(stack) == 0 && len(shapes) > 0 {
				if s := &shapes[len(shapes)-1]; s.closed < 0 && s.brace >= 0 {
					s.closed = i
					sig = false
				}
			}
			regexOK = c == '}'
		case identStart(c):
			j := i + 1
			for j < len(src) && identByte(src[j]) {
				j++
			}
			switch string(src[i:j]) {
			case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await":
				regexOK = true
			default:
				regexOK = false
			}
			i = j - 1
		case c >= '0' && c <= '9':
			for i+1 < len(src) && (identByte(src[i+1]) || src[i+1] == '.') {
				i++
			}
			regexOK = false
		case c == '<' && i+1 < len(src) && (src[i+1] == '/' || identStart(src[i+1])) && regexOK:
			return nil, false // JSX (or a type assertion): not pre-scanned
		default:
			// An operator or other punctuation: an operand follows.
			regexOK = true
			if c == ';' {
				sig = false
			}
		}
		if sig && len(shapes) > 0 {
			if s := &shapes[len(shapes)-1]; s.closed >= 0 && i > s.closed {
				s.after = true
			}
		}
	}
	if len(stack) != 0 {
		return nil, false
	}
	finishBlocks(blocks, len(src))
	for i := range blocks {
		b := &blocks[i]
		text := src[b.start:b.end]
		name, ok := jsFunctionHead(text)
		if !ok {
			continue
		}
		b.name = name
		s := shapes[i]
		b.skippable = s.brace >= 0 && s.closed >= 0 && !s.after &&
			!bytes.Contains(text, []byte("require")) && !bytes.Contains(text, []byte("import"))
	}
	return blocks, true
}

// startsStatement reports whether a line starting with s (outside any
// bracket, string or comment) starts a new top-level statement rather
// than continuing the previous one (an operator, a closing bracket, a
// comment, else/catch/finally).
func startsStatement(s []byte) bool {
	switch s[0] {
	case '.', ')', ']', '}', ',', '?', ':', '+', '-', '*', '/', '%', '&', '|', '^', '=', '<', '>', '(', '[', '`', '!', '~':
		return false
	}
	switch word(s) {
	case "else", "catch", "finally", "while", "as", "in", "instanceof", "of", "satisfies":
		return false
	}
	return true
}

// jsFunctionHead returns the name of the function a top-level block
// defines when it is a plain function declaration or a variable bound to
// a function expression or arrow function.
func jsFunctionHead(text []byte) (string, bool) {
	s := text
	if r := afterWord(s, "export"); r != nil {
		s = r
	}
	fn := func(s []byte) (string, bool) {
		if r := afterWord(s, "async"); r != nil {
			s = r
		}
		if !bytes.HasPrefix(s, []byte("function")) {
			return "", false
		}
		s = bytes.TrimLeft(s[len("function"):], " \t")
		s = bytes.TrimLeft(bytes.TrimPrefix(s, []byte("*")), " \t")
		return word(s), true
	}
	if name, ok := fn(s); ok {
		return name, name != ""
	}
	for _, kw := range []string{"const", "let", "var"} {
		r := afterWord(s, kw)
		if r == nil {
			continue
		}
		name := word(r)
		if name == "" {
			return "", false
		}
		r = bytes.TrimLeft(r[len(name):], " \t")
		if !bytes.HasPrefix(r, []byte("=")) || bytes.HasPrefix(r, []byte("==")) || bytes.HasPrefix(r, []byte("=>")) {
			return "", false
		}
		r = bytes.TrimLeft(r[1:], " \t")
		if _, ok := fn(r); ok {
			return name, true
		}
		if a := afterWord(r, "async"); a != nil {
			r = a
		}
		// An arrow function: (params) => or x =>, with a braced body (the
		// block's shape is checked by the caller).
		line := r
		if e := bytes.IndexByte(line, '{'); e >= 0 {
			line = line[:e]
		}
		if (bytes.HasPrefix(r, []byte("(")) || word(r) != "") && bytes.HasSuffix(bytes.TrimRight(line, " \t"), []byte("=>")) {
			return name, true
		}
		return "", false
	}
	return "", false
}

// keptBytes is the number of bytes of a file of n bytes that ranges keep.
func keptBytes(ranges []srcRange, n int) int {
	k := 0
	for _, r := range ranges {
		end := r.end
		if end < 0 {
			end = n
		}
		k += end - r.start
	}
	return k
}
