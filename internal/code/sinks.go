package code

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// report records a flow of t into a sink at n.
func (a *analysis) report(fi *fileInfo, n *node, kind model.FlowKind, t *taint, sink string) {
	if t == nil {
		return
	}
	if t.stack != (kind == model.FlowStackTrace) {
		return
	}
	pos := fi.pos(n)
	steps := t.steps.push(model.FlowStep{Pos: pos, Note: "sink: " + sink}).slice()
	f := model.Flow{Kind: kind, Source: t.source, Sink: sink, Trigger: t.trigger, Steps: steps, Certain: !t.unsure}
	a.addFlow(flowKey(kind, pos, t), flowRec{f: f, param: t.param})
}

// sinks checks a call (or new expression) against the sink table.
func (a *analysis) sinks(fi *fileInfo, n *node, q, method string, recv val, ar args) {
	first := ar.at(0)
	py := fi.lang == model.FormatPython
	switch {
	// OS commands.
	case py && (q == "os.system" || q == "os.popen" || q == "subprocess.getoutput" || q == "subprocess.getstatusoutput" ||
		q == "commands.getoutput" || q == "os.popen2" || q == "os.popen3"):
		a.report(fi, n, model.FlowCommand, first.t, q+"()")
	case py && strings.HasPrefix(q, "subprocess.") && isShellTrue(fi, ar.kwNode("shell")):
		a.report(fi, n, model.FlowCommand, first.t, q+"(…, shell=True)")
	case py && (q == "os.execl" || q == "os.execlp" || q == "os.spawnl") && len(ar.pos) > 2:
		// os.execl(path, arg0, …) with a shell: os.execl("/bin/sh", "sh", "-c", cmd)
		if len(ar.pos) >= 4 {
			a.report(fi, n, model.FlowCommand, ar.at(3).t, q+"(shell, -c, …)")
		}
	case !py && (q == "child_process.exec" || q == "child_process.execSync" || strings.HasSuffix(q, "shelljs.exec")):
		a.report(fi, n, model.FlowCommand, first.t, strings.TrimPrefix(q, "child_process.")+"()")
	case !py && (q == "child_process.spawn" || q == "child_process.spawnSync" || q == "child_process.execFile" || q == "child_process.execFileSync"):
		if jsShell(fi, ar) {
			a.report(fi, n, model.FlowCommand, join(first, ar.at(1)).t, strings.TrimPrefix(q, "child_process.")+"() with shell: true")
		}
	case !py && (q == "execa.command" || q == "execa.commandSync" || q == "execa.execaCommand"):
		a.report(fi, n, model.FlowCommand, first.t, q+"()")

	// Code evaluation.
	case py && (q == "eval" || q == "exec" || q == "compile" || q == "builtins.eval" || q == "builtins.exec"):
		a.report(fi, n, model.FlowEval, first.t, q+"()")
	case !py && (q == "eval" || q == "Function" || q == "vm.runInNewContext" || q == "vm.runInThisContext" || q == "vm.runInContext" ||
		q == "vm.Script" || q == "vm.compileFunction"):
		v := first
		if q == "Function" {
			v = ar.any()
		}
		a.report(fi, n, model.FlowEval, v.t, strings.TrimPrefix(q, "vm.")+"()")
	case !py && (q == "setTimeout" || q == "setInterval") && first.t != nil && !isFuncArg(ar.node(0)):
		a.report(fi, n, model.FlowEval, first.t, q+"() with a string")

	// Unsafe deserialization.
	case py && (q == "pickle.loads" || q == "pickle.load" || q == "cPickle.loads" || q == "_pickle.loads" || q == "dill.loads" ||
		q == "marshal.loads" || q == "jsonpickle.decode" || q == "shelve.open" || q == "yaml.unsafe_load" || q == "yaml.unsafe_load_all"):
		a.report(fi, n, model.FlowDeserialize, first.t, q+"()")
	case py && (q == "yaml.load" || q == "yaml.load_all"):
		loader := ar.kwNode("Loader")
		if loader == nil && len(ar.nodes) > 1 {
			loader = ar.nodes[1]
		}
		l := fi.text(loader)
		if !strings.Contains(l, "SafeLoader") && !strings.Contains(l, "BaseLoader") {
			what := "without a Loader"
			if l != "" {
				what = "with " + l
			}
			a.report(fi, n, model.FlowDeserialize, first.t, q+"() "+what)
		}
	case !py && (q == "node-serialize.unserialize" || q == "serialize-to-js.deserialize" || q == "funcster.deepDeserialize" ||
		q == "cryo.parse"):
		a.report(fi, n, model.FlowDeserialize, first.t, q+"()")

	// SQL built from the data.
	case sqlSink(py, q, method, recv):
		if first.t != nil && first.t.built && !first.obj {
			a.report(fi, n, model.FlowSQL, first.t, callName(q, method)+" with a query built from the data")
		}

	// SSRF.
	case ssrfSink(py, q):
		u := first
		idx := 0
		if q == "requests.request" || q == "httpx.request" || q == "needle" || q == "needle.request" {
			u, idx = ar.at(1), 1
		}
		if kv, ok := ar.kwVal("url"); ok {
			u = kv
		}
		if ar.node(idx) != nil && (ar.node(idx).typ() == "object" || ar.node(idx).typ() == "dictionary") {
			u = a.objField(fi, ar.node(idx), "url")
		}
		if u.t != nil && !u.t.safePre {
			a.report(fi, n, model.FlowSSRF, u.t, q+"()")
		}

	// File paths.
	case pathSink(py, q, method):
		a.report(fi, n, model.FlowPath, first.t, callName(q, method))
	case py && (method == "download_file" || method == "upload_file") && recv.client != nil:
		v, _ := ar.kwVal("Filename")
		if v.t == nil {
			if method == "download_file" {
				v = ar.at(2)
			} else {
				v = first
			}
		}
		a.report(fi, n, model.FlowPath, v.t, method+"() local file name")

	// Server-side templates.
	case py && (q == "jinja2.Template" || q == "flask.render_template_string" || q == "jinja2.Environment.from_string" ||
		q == "mako.template.Template" || method == "from_string"):
		a.report(fi, n, model.FlowTemplate, first.t, callName(q, method))
	case !py && (q == "handlebars.compile" || q == "ejs.render" || q == "ejs.compile" || q == "pug.compile" || q == "pug.render" ||
		q == "lodash.template" || q == "nunjucks.renderString" || q == "underscore.template" || q == "lodash/template"):
		a.report(fi, n, model.FlowTemplate, first.t, q+"()")

	// Stack traces handed to a callback or an HTTP response.
	case !py && q == "$callback":
		if a.api {
			a.report(fi, n, model.FlowStackTrace, join(ar.at(1), val{}).t, "the handler's response")
		}
	case !py && (method == "send" || method == "json" || method == "end" || method == "write") && recv.qual == "" && recv.client == nil && a.api:
		a.report(fi, n, model.FlowStackTrace, first.t, "."+method+"() response")
	}
	// Public ACLs on objects written to S3 (boto3 keyword or JS params).
	if py && recv.client != nil && recv.client.service == "s3" {
		switch method {
		case "put_object", "copy_object", "put_object_acl", "create_multipart_upload":
			a.publicACL(fi, n, ar.kwNode("ACL"), "s3."+method)
		case "upload_file", "upload_fileobj":
			if ea := ar.kwNode("ExtraArgs"); ea != nil {
				a.publicACL(fi, n, dictField(fi, ea, "ACL"), "s3."+method)
			}
		}
	}
	if !py && recv.client != nil && recv.client.service == "s3" && (method == "putObject" || method == "upload" || method == "copyObject" || method == "putObjectAcl") {
		if p := ar.node(0); p != nil && p.typ() == "object" {
			a.publicACL(fi, n, dictField(fi, p, "ACL"), "s3."+method)
		}
	}
}

// publicACL records an object written with a public canned ACL.
func (a *analysis) publicACL(fi *fileInfo, call *node, acl *node, what string) {
	if acl == nil || acl.typ() != "string" {
		return
	}
	v := unquoteAll(fi.text(acl))
	if v != "public-read" && v != "public-read-write" && v != "authenticated-read" {
		return
	}
	pos := fi.pos(acl)
	key := string(model.FlowPublicWrite) + "\x00" + pos.String()
	a.rec.setFlow(key, flowRec{f: model.Flow{Kind: model.FlowPublicWrite, Source: "ACL " + v, Sink: what, Certain: true,
		Steps: []model.FlowStep{{Pos: pos, Note: "ACL " + v}, {Pos: fi.pos(call), Note: "sink: " + what}}}})
}

// dictField returns the value node of key in a dict/object literal.
func dictField(fi *fileInfo, obj *node, key string) *node {
	if obj == nil {
		return nil
	}
	for p := range obj.eachNamed() {
		if p.typ() == "pair" && unquote(fi.text(p.child("key"))) == key {
			return p.child("value")
		}
	}
	return nil
}

// objField evaluates the value of key in an object literal argument.
func (a *analysis) objField(fi *fileInfo, obj *node, key string) val {
	if v := dictField(fi, obj, key); v != nil {
		return a.eval(fi, v, &scope{vars: map[string]val{}, parent: a.moduleScope(fi)}, maxDepth)
	}
	for p := range obj.eachNamed() {
		if p.typ() == "shorthand_property_identifier" && fi.text(p) == key {
			return val{}
		}
	}
	return val{}
}

func isShellTrue(fi *fileInfo, n *node) bool {
	if n == nil {
		return false
	}
	t := fi.text(n)
	return t == "True" || t == "1"
}

func isFuncArg(n *node) bool { return isFuncNode(n) || n != nil && n.typ() == "identifier" }

// jsShell reports whether a spawn/execFile call runs through a shell.
func jsShell(fi *fileInfo, ar args) bool {
	for _, n := range ar.nodes {
		if n.typ() == "object" {
			if v := dictField(fi, n, "shell"); v != nil && fi.text(v) != "false" {
				return true
			}
		}
	}
	return false
}

func sqlSink(py bool, q, method string, recv val) bool {
	if recv.client != nil {
		return false // DynamoDB query/execute_statement take parameters
	}
	if py {
		switch method {
		case "execute", "executemany", "executescript", "raw", "mogrify":
			return true
		}
		return q == "sqlalchemy.text" || q == "pandas.read_sql" || q == "pandas.read_sql_query"
	}
	switch method {
	case "query", "execute", "raw", "unsafe", "$queryRawUnsafe", "$executeRawUnsafe", "whereRaw", "exec":
		return q == "" || !strings.HasPrefix(q, "child_process")
	}
	return false
}

func ssrfSink(py bool, q string) bool {
	if py {
		switch q {
		case "requests.get", "requests.post", "requests.put", "requests.delete", "requests.head", "requests.patch", "requests.request",
			"urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen", "urllib.urlopen", "httpx.get", "httpx.post",
			"httpx.request", "httpx.stream", "aiohttp.request":
			return true
		}
		return false
	}
	switch q {
	case "fetch", "node-fetch", "axios", "axios.get", "axios.post", "axios.put", "axios.delete", "axios.head", "axios.patch",
		"axios.request", "got", "got.get", "got.post", "http.get", "https.get", "http.request", "https.request", "needle",
		"needle.get", "needle.request", "superagent.get", "request", "request.get", "undici.request", "undici.fetch", "cross-fetch":
		return true
	}
	return false
}

func pathSink(py bool, q, method string) bool {
	if py {
		switch q {
		case "open", "io.open", "os.open", "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree", "shutil.copy",
			"shutil.copyfile", "shutil.move", "os.rename", "codecs.open", "send_file", "flask.send_file", "os.listdir", "os.makedirs":
			return true
		}
		return false
	}
	q = strings.Replace(q, "fs.promises.", "fs.", 1)
	q = strings.Replace(q, "fs-extra.", "fs.", 1)
	switch q {
	case "fs.readFile", "fs.readFileSync", "fs.writeFile", "fs.writeFileSync", "fs.appendFile", "fs.appendFileSync",
		"fs.createReadStream", "fs.createWriteStream", "fs.unlink", "fs.unlinkSync", "fs.rm", "fs.rmSync", "fs.readdir",
		"fs.readdirSync", "fs.open", "fs.openSync", "fs.copyFile", "fs.copyFileSync", "fs.rename", "fs.renameSync", "fs.mkdir",
		"fs.mkdirSync", "fs.outputFile", "fs.remove":
		return true
	}
	return method == "sendFile" || method == "download"
}

// checkResponse reports a stack trace returned by an HTTP handler.
func (a *analysis) checkResponse(fi *fileInfo, n *node, v val) {
	if !a.api || v.t == nil || !v.t.stack {
		return
	}
	a.report(fi, n, model.FlowStackTrace, v.t, "the handler's HTTP response")
}
