package code

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// callerCheck is one library call that verifies who is calling: a webhook
// signature, an HMAC compared in constant time, a token checked against a
// key. Python and JavaScript spellings share one table: the qualified
// names do not collide.
type callerCheck struct {
	kind model.CheckKind
	// what names the call in messages.
	what string
}

// callerChecks maps a call's qualified name (module path and attributes,
// as sinks see it) to the check it makes.
var callerChecks = map[string]callerCheck{
	// Python.
	"hmac.compare_digest":                       {model.CheckSignature, "hmac.compare_digest()"},
	"secrets.compare_digest":                    {model.CheckSignature, "secrets.compare_digest()"},
	"stripe.Webhook.construct_event":            {model.CheckSignature, "stripe.Webhook.construct_event()"},
	"stripe.WebhookSignature.verify_header":     {model.CheckSignature, "stripe.WebhookSignature.verify_header()"},
	"twilio.request_validator.RequestValidator": {model.CheckSignature, "twilio RequestValidator"},
	"jwt.decode":      {model.CheckToken, "jwt.decode()"},
	"jose.jwt.decode": {model.CheckToken, "jose.jwt.decode()"},
	"google.oauth2.id_token.verify_oauth2_token": {model.CheckToken, "id_token.verify_oauth2_token()"},
	"google.oauth2.id_token.verify_token":        {model.CheckToken, "id_token.verify_token()"},
	"firebase_admin.auth.verify_id_token":        {model.CheckToken, "firebase_admin.auth.verify_id_token()"},
	// JavaScript and TypeScript.
	"crypto.timingSafeEqual":                   {model.CheckSignature, "crypto.timingSafeEqual()"},
	"tweetnacl.sign.detached.verify":           {model.CheckSignature, "nacl.sign.detached.verify()"},
	"twilio.validateRequest":                   {model.CheckSignature, "twilio.validateRequest()"},
	"twilio.validateRequestWithBody":           {model.CheckSignature, "twilio.validateRequestWithBody()"},
	"@octokit/webhooks-methods.verify":         {model.CheckSignature, "@octokit/webhooks-methods verify()"},
	"jsonwebtoken.verify":                      {model.CheckToken, "jsonwebtoken.verify()"},
	"jose.jwtVerify":                           {model.CheckToken, "jose.jwtVerify()"},
	"aws-jwt-verify.CognitoJwtVerifier.create": {model.CheckToken, "aws-jwt-verify CognitoJwtVerifier"},
	"aws-jwt-verify.JwtRsaVerifier.create":     {model.CheckToken, "aws-jwt-verify JwtRsaVerifier"},
}

// checkMethods are method names distinctive enough to count whatever the
// receiver: the SDK objects they belong to are usually built by a call the
// analysis does not name (require('stripe')(key).webhooks).
var checkMethods = map[string]callerCheck{
	"constructEvent":   {model.CheckSignature, "stripe webhooks.constructEvent()"},
	"is_valid_request": {model.CheckSignature, "slack SignatureVerifier.is_valid_request()"},
	"verifyIdToken":    {model.CheckToken, "verifyIdToken()"},
}

// callerCheck records a call that verifies the caller, when q or method
// is one.
func (a *analysis) callerCheck(fi *fileInfo, n *node, q, method string, ar args) {
	c, ok := callerChecks[q]
	if !ok && q == "" {
		c, ok = checkMethods[method]
	}
	if !ok {
		return
	}
	if q == "jwt.decode" && noVerify(fi, ar) {
		return // PyJWT told not to check the signature verifies nothing
	}
	pos := fi.pos(n)
	a.rec.setCheck(pos.String(), model.CallerCheck{Kind: c.kind, Call: c.what, Pos: pos})
}

// noVerify reports whether a PyJWT decode call switches verification off
// (options={"verify_signature": False}, or verify=False in PyJWT 1).
func noVerify(fi *fileInfo, ar args) bool {
	opts := strings.ReplaceAll(fi.text(ar.kwNode("options")), " ", "")
	if strings.Contains(opts, `"verify_signature":False`) || strings.Contains(opts, `'verify_signature':False`) {
		return true
	}
	return fi.text(ar.kwNode("verify")) == "False"
}
