package code

// pyStdlib lists the top-level modules of the Python standard library
// (3.x, plus the Python 2 names still met in old handlers).
var pyStdlib = setOf(
	"__future__", "abc", "argparse", "array", "ast", "asyncio", "atexit", "base64", "binascii", "bisect", "builtins",
	"bz2", "calendar", "cgi", "cmath", "codecs", "collections", "colorsys", "concurrent", "configparser", "contextlib",
	"contextvars", "copy", "copyreg", "cProfile", "csv", "ctypes", "dataclasses", "datetime", "dbm", "decimal", "difflib",
	"dis", "email", "encodings", "enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions",
	"ftplib", "functools", "gc", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip", "hashlib", "heapq",
	"hmac", "html", "http", "imaplib", "importlib", "inspect", "io", "ipaddress", "itertools", "json", "keyword",
	"linecache", "locale", "logging", "lzma", "mailbox", "marshal", "math", "mimetypes", "mmap", "multiprocessing",
	"netrc", "numbers", "operator", "os", "pathlib", "pdb", "pickle", "pkgutil", "platform", "plistlib", "poplib",
	"posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile", "queue", "quopri", "random", "re",
	"reprlib", "resource", "sched", "secrets", "select", "selectors", "shelve", "shlex", "shutil", "signal", "site",
	"smtplib", "socket", "socketserver", "sqlite3", "ssl", "stat", "statistics", "string", "stringprep", "struct",
	"subprocess", "sys", "sysconfig", "syslog", "tarfile", "tempfile", "termios", "textwrap", "threading", "time",
	"timeit", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc", "types", "typing", "unicodedata",
	"unittest", "urllib", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "wsgiref", "xml", "xmlrpc",
	"zipfile", "zipimport", "zlib", "zoneinfo", "_thread",
	// Python 2
	"urllib2", "urlparse", "cPickle", "StringIO", "cStringIO", "ConfigParser", "Queue", "httplib", "commands", "HTMLParser",
	"SocketServer", "cookielib", "Cookie", "exceptions", "sets", "md5", "sha", "thread",
)

// nodeBuiltins lists Node.js built-in modules.
var nodeBuiltins = setOf(
	"assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
	"diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net", "os",
	"path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "string_decoder", "sys",
	"timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib", "test",
)

func setOf(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}
