package code

import (
	"slices"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// txMembers maps the members of an element of a DynamoDB transaction's
// TransactItems to the IAM action of the operation it runs. IAM has no
// dynamodb:TransactWriteItems or TransactGetItems action: a transaction
// is authorised item by item, by the actions of the operations it groups
// on each item's table (ConditionCheck by dynamodb:ConditionCheckItem).
var txMembers = map[string]string{
	"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem",
}

// isTxOp reports whether op is a DynamoDB transaction operation.
func isTxOp(op string) bool { return op == "TransactWriteItems" || op == "TransactGetItems" }

// recordTx records the DynamoDB transaction op (TransactWriteItems or
// TransactGetItems) called at n of fi, whose TransactItems is the list
// literal items of pf (nil when the call passes none the code spells
// out): one call per table the items name, with the actions of the
// operations on that table. An item whose TableName is neither an
// environment variable nor a constant counts for an unknown table. What
// cannot be read statically (items built at run time, a spread or an
// element that is not a literal) marks the analysis partial, so that no
// grant is called unused because of it: the operations seen are
// recorded, none is invented.
func (a *analysis) recordTx(fi *fileInfo, n *node, op string, pf *fileInfo, items *node) {
	var its []txItem
	complete := items != nil && (items.typ() == "list" || items.typ() == "array")
	if complete {
		for el := range items.eachNamed() {
			if el.typ() == "comment" {
				continue
			}
			action, spec := txElement(pf, el)
			it := txItem{action: action}
			if spec != nil && (spec.typ() == "object" || spec.typ() == "dictionary") {
				it.env, it.name = a.tableOf(pf, spec)
			}
			its = append(its, it)
		}
	}
	a.recordTxItems(fi, n, op, its, complete)
}

// txItem is one element of a DynamoDB transaction's TransactItems: the
// action of its operation ("" when the element cannot be read
// statically) and the environment variable or constant name of its
// table (both "" when unknown).
type txItem struct{ action, env, name string }

// recordTxItems records the DynamoDB transaction op called at n of fi
// with the items its TransactItems spells out: one call per table, with
// the actions of the operations on that table. complete is false when
// the items are not all spelled out (built at run time); then, or when
// an item's operation cannot be read, the analysis is marked partial:
// the operations seen are recorded, none is invented.
func (a *analysis) recordTxItems(fi *fileInfo, n *node, op string, items []txItem, complete bool) {
	type table struct{ env, name string }
	acts := map[table][]string{}
	var order []table
	for _, it := range items {
		if it.action == "" {
			complete = false
			continue
		}
		t := table{it.env, it.name}
		if _, ok := acts[t]; !ok {
			order = append(order, t)
		}
		if !slices.Contains(acts[t], "dynamodb:"+it.action) {
			acts[t] = append(acts[t], "dynamodb:"+it.action)
		}
	}
	if !complete {
		a.rec.partial = true
	}
	pos := fi.pos(n)
	for _, t := range order {
		as := acts[t]
		slices.Sort(as)
		c := model.SDKCall{Service: "dynamodb", Operation: op, Actions: as, Env: t.env, Name: t.name, Pos: pos}
		a.rec.setCall(pos.String()+"\x00"+op+"\x00"+t.env+"\x00"+t.name, c)
	}
}

// txElement returns the action of one TransactItems element ({Put:
// {TableName, Item}}) and the node of its operation's parameters; the
// action is "" when the element is not a literal naming one operation.
func txElement(fi *fileInfo, el *node) (action string, spec *node) {
	if el.typ() != "object" && el.typ() != "dictionary" {
		return "", nil
	}
	for p := range el.eachNamed() {
		if p.typ() != "pair" {
			continue
		}
		if act := txMembers[unquote(fi.text(p.child("key")))]; act != "" {
			if action != "" {
				return "", nil
			}
			action, spec = act, p.child("value")
		}
	}
	return action, spec
}

// txList reports whether the list literal n looks like the TransactItems
// of a DynamoDB transaction: its first element is a literal naming one
// operation ({Put: {…}}).
func txList(fi *fileInfo, n *node) bool {
	for el := range n.eachNamed() {
		if el.typ() == "comment" {
			continue
		}
		act, _ := txElement(fi, el)
		return act != ""
	}
	return false
}

// txItems returns the list literal of a transaction's TransactItems and
// its file: the node n itself (boto3's TransactItems=[…]) or the
// TransactItems of the parameter object n (JS), else the list a variable
// holds (v, the argument's value: const params = {TransactItems: […]}).
func txItems(fi *fileInfo, n *node, v val) (*fileInfo, *node) {
	if n != nil && n.typ() == "object" {
		n = dictField(fi, n, "TransactItems")
	}
	if n != nil && (n.typ() == "list" || n.typ() == "array") {
		return fi, n
	}
	if v.client != nil && v.client.kind == "txitems" {
		return v.client.pfile, v.client.params
	}
	return fi, nil
}

// tableOf returns the environment variable or the constant name of the
// TableName of a parameter object or dict, evaluated in the module's
// scope as paramEnv does for the other calls.
func (a *analysis) tableOf(fi *fileInfo, obj *node) (env, name string) {
	v := objParam(fi, obj, "TableName")
	if v == nil {
		return "", ""
	}
	return tableName(a.eval(fi, v, &scope{vars: map[string]val{}, parent: a.moduleScope(fi)}, maxDepth))
}

// tableName returns the environment variable or the constant string a
// TableName value v holds.
func tableName(v val) (env, name string) {
	switch {
	case v.env != "":
		return v.env, ""
	case v.isStr && v.str != "":
		return "", v.str
	}
	return "", ""
}

// goTxOp returns the DynamoDB transaction operation a Go client method
// calls (TransactWriteItems, v1's TransactWriteItemsWithContext and
// TransactWriteItemsRequest), or "".
func goTxOp(method string) string {
	op := strings.TrimSuffix(strings.TrimSuffix(method, "WithContext"), "Request")
	if isTxOp(op) {
		return op
	}
	return ""
}

// goTxSlice reports whether a Go composite literal's type is a slice of
// DynamoDB transaction items: []types.TransactWriteItem (SDK v2),
// []*dynamodb.TransactGetItem (v1), or of PartiQL statements.
func goTxSlice(typ string) bool {
	if !strings.HasPrefix(typ, "[]") {
		return false
	}
	typ = strings.TrimPrefix(typ[2:], "*")
	return strings.HasSuffix(typ, ".TransactWriteItem") || strings.HasSuffix(typ, ".TransactGetItem") ||
		strings.HasSuffix(typ, ".BatchStatementRequest") || strings.HasSuffix(typ, ".ParameterizedStatement")
}

// goTxItems reads the elements of a Go TransactItems slice literal n
// ({Put: &types.Put{TableName: aws.String(os.Getenv("T")), …}}), with
// the table of each evaluated in s. An element that is not a literal
// naming one operation is an item with no action.
func (a *analysis) goTxItems(fi *fileInfo, n *node, s *scope, depth int) []txItem {
	stmts := goStmtSlice(fi.text(n.child("type")))
	var items []txItem
	for el := range n.child("body").eachNamed() {
		if el.typ() == "comment" {
			continue
		}
		var it txItem
		lit := goLiteral(el)
		if lit != nil && lit.typ() == "composite_literal" {
			lit = lit.child("body")
		}
		if lit != nil && lit.typ() == "literal_value" {
			for kv := range lit.eachNamed() {
				if kv.typ() != "keyed_element" {
					continue
				}
				key := fi.text(kv.child("key"))
				if stmts {
					if key == "Statement" {
						it = a.goStatement(fi, kv, s, depth)
					}
					continue
				}
				act := txMembers[key]
				if act == "" {
					continue
				}
				if it.action != "" {
					it = txItem{}
					break
				}
				it.action = act
				it.env, it.name = a.goTable(fi, goLiteral(kv.child("value")), s, depth)
			}
		}
		items = append(items, it)
	}
	return items
}

// goStatement reads the PartiQL statement of the keyed element kv
// (Statement: aws.String("SELECT …")): an item with no action unless
// it is a constant naming its table.
func (a *analysis) goStatement(fi *fileInfo, kv *node, s *scope, depth int) txItem {
	if v := a.eval(fi, goLiteral(kv.child("value")), s, depth); v.isStr {
		return partiqlItem(v.str)
	}
	return txItem{}
}

// goStmtSlice reports whether a Go composite literal's type is a slice
// of PartiQL statements (BatchExecuteStatement's Statements,
// ExecuteTransaction's TransactStatements).
func goStmtSlice(typ string) bool {
	typ = strings.TrimPrefix(strings.TrimPrefix(typ, "[]"), "*")
	return strings.HasSuffix(typ, ".BatchStatementRequest") || strings.HasSuffix(typ, ".ParameterizedStatement")
}

// goLiteral returns the expression or literal value a Go literal
// element holds, without a leading & (&types.Put{…} → types.Put{…}).
func goLiteral(n *node) *node {
	if n != nil && n.typ() == "literal_element" && n.firstNamed() != nil {
		n = n.firstNamed()
	}
	if n != nil && n.typ() == "unary_expression" && n.child("operand") != nil {
		n = n.child("operand")
	}
	return n
}

// goTable returns the environment variable or the constant name of the
// TableName of a transaction item's operation: a composite literal
// spelled out in place, else the environment variable the value names.
func (a *analysis) goTable(fi *fileInfo, op *node, s *scope, depth int) (env, name string) {
	if op == nil || op.typ() != "composite_literal" {
		v := a.eval(fi, op, s, depth)
		return v.env, ""
	}
	if kv := goKey(fi, op, "TableName"); kv != nil {
		return tableName(a.eval(fi, goLiteral(kv.child("value")), s, depth))
	}
	return "", ""
}

// partiqlVerbs maps the first word of a PartiQL for DynamoDB statement
// to the action IAM checks for it on the statement's table (there is no
// dynamodb:ExecuteStatement, BatchExecuteStatement or ExecuteTransaction
// action).
var partiqlVerbs = map[string]string{
	"SELECT": "PartiQLSelect", "INSERT": "PartiQLInsert", "UPDATE": "PartiQLUpdate", "DELETE": "PartiQLDelete",
}

// partiqlItem reads the action and the table of a constant PartiQL
// statement: SELECT … FROM "Orders"[."index"] …, INSERT INTO Orders …,
// UPDATE "Orders" …, DELETE FROM Orders …. The action is "" when the
// statement does not read as one of these.
func partiqlItem(stmt string) txItem {
	f := strings.Fields(stmt)
	if len(f) < 2 {
		return txItem{}
	}
	verb := strings.ToUpper(f[0])
	act := partiqlVerbs[verb]
	rest := f[1:]
	switch verb {
	case "SELECT", "DELETE":
		i := slices.IndexFunc(rest, func(w string) bool { return strings.EqualFold(w, "FROM") })
		if i < 0 || i+1 >= len(rest) {
			return txItem{}
		}
		rest = rest[i+1:]
	case "INSERT":
		if !strings.EqualFold(rest[0], "INTO") || len(rest) < 2 {
			return txItem{}
		}
		rest = rest[1:]
	}
	table := rest[0]
	if strings.HasPrefix(table, `"`) {
		end := strings.Index(table[1:], `"`)
		if end < 0 {
			return txItem{}
		}
		table = table[1 : end+1]
	} else if i := strings.IndexAny(table, `."`); i >= 0 {
		table = table[:i]
	}
	if act == "" || table == "" || strings.ContainsAny(table, "?'\\") {
		return txItem{}
	}
	return txItem{action: act, name: table}
}

// goPartiQLOp reports whether a Go DynamoDB client method runs PartiQL
// statements (ExecuteStatement, BatchExecuteStatement,
// ExecuteTransaction, with v1's WithContext and Request forms).
func goPartiQLOp(method string) string {
	if op := strings.TrimSuffix(strings.TrimSuffix(method, "WithContext"), "Request"); isPartiQLOp(op) {
		return op
	}
	return ""
}

// goKey returns the keyed element key of a Go composite literal n.
func goKey(fi *fileInfo, n *node, key string) *node {
	for kv := range n.child("body").eachNamed() {
		if kv.typ() == "keyed_element" && fi.text(kv.child("key")) == key {
			return kv
		}
	}
	return nil
}

// partiqlOps maps the DynamoDB operations that run PartiQL statements
// to the request field listing their statements ("" for
// ExecuteStatement, whose Statement is the request's own).
var partiqlOps = map[string]string{"ExecuteStatement": "", "BatchExecuteStatement": "Statements", "ExecuteTransaction": "TransactStatements"}

// isPartiQLOp reports whether op is a DynamoDB PartiQL operation.
func isPartiQLOp(op string) bool {
	_, ok := partiqlOps[op]
	return ok
}

// partiqlItems reads the statements of the PartiQL operation op from its
// request's fields (field returns the node of one, nil when absent): one
// item per statement, with no action when the statement is not a
// constant string of the module; nil when the statements are not a
// list literal.
func (a *analysis) partiqlItems(fi *fileInfo, op string, field func(string) *node) []txItem {
	stmt := func(n *node) txItem {
		if n == nil {
			return txItem{}
		}
		if v := a.eval(fi, n, &scope{vars: map[string]val{}, parent: a.moduleScope(fi)}, maxDepth); v.isStr {
			return partiqlItem(v.str)
		}
		return txItem{}
	}
	list := partiqlOps[op]
	if list == "" {
		return []txItem{stmt(field("Statement"))}
	}
	l := field(list)
	if l == nil || l.typ() != "list" && l.typ() != "array" {
		return nil
	}
	items := []txItem{}
	for el := range l.eachNamed() {
		switch el.typ() {
		case "comment":
		case "object", "dictionary":
			items = append(items, stmt(objParam(fi, el, "Statement")))
		default:
			items = append(items, txItem{})
		}
	}
	return items
}

// recordPartiQL records the PartiQL operation op called at n of fi
// whose request is the object literal obj of pf (JS; nil when not a
// literal).
func (a *analysis) recordPartiQL(fi *fileInfo, n *node, op string, pf *fileInfo, obj *node) {
	var items []txItem
	if obj != nil && obj.typ() == "object" {
		items = a.partiqlItems(pf, op, func(k string) *node { return objParam(pf, obj, k) })
	}
	a.recordTxItems(fi, n, op, items, items != nil)
}
