package terraform

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// suppressions collects `# nightlight:ignore NL…` comments of the root
// module's files. A comment on the line(s) just above a resource block, or
// at the end of its first line, applies to the resource (every instance of
// it); any other comment applies to the line it annotates (its own line when
// it trails code, else the next line with code).
func (l *loader) suppressions(files map[string][]byte) []model.Suppression {
	// The first line of each resource block, and the instances it became.
	addrs := map[string][]string{}
	for _, in := range l.insts {
		if strings.Contains(in.addr, "module.") {
			continue
		}
		k := in.pos.File + ":" + itoa(in.pos.Line)
		addrs[k] = append(addrs[k], in.addr)
	}
	var out []model.Suppression
	for name, data := range files {
		if !bytes.Contains(data, []byte("nightlight:ignore")) {
			continue
		}
		toks, _ := hclsyntax.LexConfig(data, name, hcl.InitialPos)
		codeLines := map[int]int{} // line -> first column with code
		for _, t := range toks {
			if t.Type != hclsyntax.TokenComment && t.Type != hclsyntax.TokenNewline && t.Type != hclsyntax.TokenEOF {
				if _, ok := codeLines[t.Range.Start.Line]; !ok {
					codeLines[t.Range.Start.Line] = t.Range.Start.Column
				}
			}
		}
		maxLine := bytes.Count(data, []byte("\n")) + 1
		for _, t := range toks {
			if t.Type != hclsyntax.TokenComment {
				continue
			}
			for i, text := range strings.Split(strings.TrimSpace(string(t.Bytes)), "\n") {
				s, ok := yamlv.ParseIgnore(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(text), "/*"), "*/"))
				if !ok {
					continue
				}
				line := t.Range.Start.Line + i
				if _, trailing := codeLines[line]; !trailing {
					for line < maxLine {
						if _, ok := codeLines[line]; ok {
							break
						}
						line++
					}
				}
				s.Pos = model.Pos{File: name, Line: line, Col: codeLines[line]}
				if ids := addrs[name+":"+itoa(line)]; len(ids) > 0 {
					for _, id := range ids {
						r := s
						r.Resource = id
						out = append(out, r)
					}
					continue
				}
				out = append(out, s)
			}
		}
	}
	return out
}
