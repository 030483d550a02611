package code

import (
	"slices"

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
	type table struct{ env, name string }
	acts := map[table][]string{}
	var order []table
	complete := items != nil && (items.typ() == "list" || items.typ() == "array")
	if complete {
		for el := range items.eachNamed() {
			if el.typ() == "comment" {
				continue
			}
			action, spec := txElement(pf, el)
			if action == "" {
				complete = false
				continue
			}
			var t table
			if spec != nil && (spec.typ() == "object" || spec.typ() == "dictionary") {
				t.env, t.name = a.tableOf(pf, spec)
			}
			if _, ok := acts[t]; !ok {
				order = append(order, t)
			}
			if !slices.Contains(acts[t], "dynamodb:"+action) {
				acts[t] = append(acts[t], "dynamodb:"+action)
			}
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
	x := a.eval(fi, v, &scope{vars: map[string]val{}, parent: a.moduleScope(fi)}, maxDepth)
	switch {
	case x.env != "":
		return x.env, ""
	case x.isStr && x.str != "":
		return "", x.str
	}
	return "", ""
}
