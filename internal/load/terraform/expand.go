package terraform

// Resource blocks: count/for_each expansion into instances, and the
// placeholders that stand for attributes known only after apply.

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// expansion is one instance of a counted or for_each'd block.
type expansion struct {
	suffix string // "", "[0]", `["k"]`
	sc     *scope
}

// expand evaluates count/for_each of a block. decided is false when the
// number of instances is unknown; then one instance stands for all.
func (m *module) expand(body *hclsyntax.Body, addr string, pos model.Pos) (exps []expansion, shape string) {
	if a, ok := body.Attributes["count"]; ok {
		v := m.eval(a.Expr, nil)
		v, _ = v.Unmark()
		if v.IsKnown() && !v.IsNull() {
			if n, err := convert.Convert(v, cty.Number); err == nil {
				bf := n.AsBigFloat()
				if !bf.IsInt() || bf.Sign() < 0 {
					m.l.diag(model.DiagWarning, exprPos(a.Expr), "count of %s is not a whole number", addr)
					return nil, "count"
				}
				if bf.Cmp(big.NewFloat(float64(m.l.lim.MaxResources))) > 0 {
					m.l.fatal = load.Errorf(exprPos(a.Expr), "count of %s is %s, over the limit of %d resources", addr, bf.Text('g', 10), m.l.lim.MaxResources)
					return nil, "count"
				}
				n, _ := bf.Int64()
				if !m.grow(int(n), exprPos(a.Expr)) {
					return nil, "count"
				}
				for i := int64(0); i < n; i++ {
					exps = append(exps, expansion{
						suffix: "[" + strconv.FormatInt(i, 10) + "]",
						sc:     &scope{vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}},
					})
				}
				return exps, "count"
			}
		}
		m.l.diag(model.DiagInfo, exprPos(a.Expr), "count of %s cannot be decided statically; modelled as one instance", addr)
		m.grow(1, exprPos(a.Expr))
		return []expansion{{sc: &scope{vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": unknown("count.index", "")})}}}}, "unknown"
	}
	if a, ok := body.Attributes["for_each"]; ok {
		v := m.eval(a.Expr, nil)
		v, _ = v.Unmark()
		if v.IsKnown() && !v.IsNull() && (!v.Type().IsSetType() || v.IsWhollyKnown()) {
			ty := v.Type()
			if ty.IsMapType() || ty.IsObjectType() || ty.IsSetType() || ty.IsListType() || ty.IsTupleType() {
				if !m.grow(v.LengthInt(), exprPos(a.Expr)) {
					return nil, "for_each"
				}
				isSet := !(ty.IsMapType() || ty.IsObjectType())
				for it := v.ElementIterator(); it.Next(); {
					k, ev := it.Element()
					if isSet {
						k = ev
					}
					ks, err := convert.Convert(k, cty.String)
					if err != nil || ks.IsNull() {
						continue
					}
					key := ks.AsString()
					exps = append(exps, expansion{
						suffix: "[" + strconv.Quote(key) + "]",
						sc: &scope{vars: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
							"key": cty.StringVal(key), "value": ev,
						})}},
					})
				}
				return exps, "for_each"
			}
		}
		m.l.diag(model.DiagInfo, exprPos(a.Expr), "for_each of %s cannot be decided statically; modelled as one instance", addr)
		m.grow(1, exprPos(a.Expr))
		return []expansion{{sc: &scope{vars: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key": unknown("each.key", ""), "value": unknown("each.value", ""),
		})}}}}, "unknown"
	}
	m.grow(1, pos)
	return []expansion{{}}, ""
}

// grow counts n more resource instances against the limit.
func (m *module) grow(n int, pos model.Pos) bool {
	m.l.nInst += n
	if m.l.nInst > m.l.lim.MaxResources {
		if m.l.fatal == nil {
			m.l.fatal = load.Errorf(pos, "more than %d resources after count/for_each expansion", m.l.lim.MaxResources)
		}
		return false
	}
	return true
}

// metaArgs are the arguments of resource and module blocks that are not
// attributes of the resource.
var metaArgs = map[string]bool{
	"count": true, "for_each": true, "depends_on": true, "provider": true, "providers": true,
	"lifecycle": true, "provisioner": true, "connection": true, "source": true, "version": true,
}

// moduleOnlyArgs are the meta-arguments of module blocks only: in a
// resource, source and version are attributes (google_storage_bucket_object
// and aws_s3_object source, the file uploaded).
var moduleOnlyArgs = map[string]bool{"source": true, "version": true}

// resource evaluates every instance of a resource or data block, records
// them, and returns the value other expressions see.
func (m *module) resource(rb *rblock) cty.Value {
	addr := m.prefix + rb.key
	exps, shape := m.expand(rb.b.Body, addr, rangePos(&rb.b.TypeRange))
	var vals []cty.Value
	keys := map[string]cty.Value{}
	for _, e := range exps {
		iaddr := addr + e.suffix
		obj, props := m.evalBody(rb.b.Body, e.sc, true)
		attrs := map[string]cty.Value{}
		if obj.Type().IsObjectType() {
			for k, v := range obj.AsValueMap() {
				attrs[k] = v
			}
		}
		if rb.data && rb.typ == "google_iam_policy" {
			js := marshalDoc(googlePolicyData(props))
			attrs["policy_data"] = cty.StringVal(js)
		}
		if rb.data && rb.typ == "aws_iam_policy_document" {
			doc := m.l.renderPolicyDocument(props, rangePos(&rb.b.TypeRange))
			js := marshalDoc(doc)
			m.l.docs[js] = doc
			attrs["json"] = cty.StringVal(js)
			attrs["minified_json"] = cty.StringVal(js)
		}
		for a, deep := range m.attrRefs[rb.key] {
			if _, ok := attrs[a]; !ok {
				attrs[a] = m.placeholderFor(rb, iaddr, a, deep)
			}
		}
		for a := range m.relAttrs {
			if _, ok := attrs[a]; !ok {
				attrs[a] = m.placeholderFor(rb, iaddr, a, false)
			}
		}
		v := cty.ObjectVal(attrs)
		vals = append(vals, v)
		if strings.HasPrefix(e.suffix, "[\"") {
			k, _ := strconv.Unquote(e.suffix[1 : len(e.suffix)-1])
			keys[k] = v
		}
		if !rb.data {
			m.l.insts = append(m.l.insts, &instance{
				addr: iaddr, typ: rb.typ, data: rb.data, pos: rangePos(&rb.b.TypeRange), props: props,
			})
		} else {
			m.l.data[iaddr] = props
		}
		if m.l.stopped() {
			break
		}
	}
	switch shape {
	case "count":
		if len(vals) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(vals)
	case "for_each":
		return cty.ObjectVal(keys)
	case "unknown":
		return unknown(addr, addr)
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return unknown(addr, addr)
}

// collectionAttr guesses from its name whether a computed attribute is a
// list or map (names, ids, result, …), which cannot stand as a string
// placeholder.
func collectionAttr(a string) bool {
	switch a {
	case "result", "output", "outputs", "tags_all", "attributes", "values", "json_data":
		return true
	case "address", "status", "access", "alias", "dns", "ingress", "egress", "class":
		return false
	}
	return strings.HasSuffix(a, "s") && !strings.HasSuffix(a, "ss") && !strings.HasSuffix(a, "us")
}

func (m *module) placeholderFor(rb *rblock, iaddr, attr string, deep bool) cty.Value {
	if deep || collectionAttr(attr) {
		ref := iaddr
		if rb.data {
			ref = ""
		}
		return unknown(iaddr+"."+attr, ref)
	}
	if rb.data {
		return m.l.placeholder(iaddr+"."+attr, "")
	}
	return m.l.placeholder(iaddr+"."+attr, iaddr)
}
