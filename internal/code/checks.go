package code

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// callerCheck is one library call that verifies who is calling: a webhook
// signature, an HMAC compared in constant time, a token checked against a
// key. Python, JavaScript, Go and Java spellings share one table: the
// qualified names do not collide.
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
	// Go, by import path without its major-version suffix (goCheckName).
	"crypto/hmac.Equal":                                  {model.CheckSignature, "hmac.Equal()"},
	"crypto/subtle.ConstantTimeCompare":                  {model.CheckSignature, "subtle.ConstantTimeCompare()"},
	"crypto/ed25519.Verify":                              {model.CheckSignature, "ed25519.Verify()"},
	"github.com/stripe/stripe-go/webhook.ConstructEvent": {model.CheckSignature, "stripe webhook.ConstructEvent()"},
	"github.com/golang-jwt/jwt.Parse":                    {model.CheckToken, "jwt.Parse()"},
	"github.com/golang-jwt/jwt.ParseWithClaims":          {model.CheckToken, "jwt.ParseWithClaims()"},
	"github.com/dgrijalva/jwt-go.Parse":                  {model.CheckToken, "jwt.Parse()"},
	"github.com/dgrijalva/jwt-go.ParseWithClaims":        {model.CheckToken, "jwt.ParseWithClaims()"},
	"github.com/lestrrat-go/jwx/jwt.Parse":               {model.CheckToken, "jwx jwt.Parse()"},
	"google.golang.org/api/idtoken.Validate":             {model.CheckToken, "idtoken.Validate()"},
	// Java, by simple class name and method (javaCheckName).
	"java:MessageDigest.isEqual":  {model.CheckSignature, "MessageDigest.isEqual()"},
	"java:Webhook.constructEvent": {model.CheckSignature, "Stripe Webhook.constructEvent()"},
	"java:JWT.require":            {model.CheckToken, "auth0 JWT.require(…).verify()"},
}

// javaCheckName names a Java call for callerChecks: "java:" and the
// simple class name and method of a call on a known class, or "" for a
// call on a value (checkMethods then decides by the method).
func javaCheckName(q, method string) string {
	if q == "" {
		return ""
	}
	cls := strings.TrimSuffix(q, "."+method)
	return "java:" + cls[strings.LastIndex(cls, ".")+1:] + "." + method
}

// goCheckName drops the major-version elements of a Go import path
// ("github.com/golang-jwt/jwt/v5.Parse" → "github.com/golang-jwt/jwt.Parse",
// "github.com/stripe/stripe-go/v76/webhook.ConstructEvent" →
// "github.com/stripe/stripe-go/webhook.ConstructEvent").
func goCheckName(q string) string {
	slash := strings.LastIndex(q, "/")
	dot := strings.Index(q[slash+1:], ".")
	if slash < 0 || dot < 0 || !strings.Contains(q, "/v") {
		return q
	}
	path, name := q[:slash+1+dot], q[slash+1+dot:]
	parts := strings.Split(path, "/")
	out := parts[:0]
	for i, p := range parts {
		if i > 0 && isMajorVersion(p) {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, "/") + name
}

// checkMethods are method names distinctive enough to count whatever the
// receiver: the SDK objects they belong to are usually built by a call the
// analysis does not name (require('stripe')(key).webhooks).
var checkMethods = map[string]callerCheck{
	"constructEvent":   {model.CheckSignature, "stripe webhooks.constructEvent()"},
	"is_valid_request": {model.CheckSignature, "slack SignatureVerifier.is_valid_request()"},
	"verifyIdToken":    {model.CheckToken, "verifyIdToken()"},
	// jjwt: Jwts.parser().verifyWith(key).build().parseSignedClaims(t).
	"parseClaimsJws":    {model.CheckToken, "jjwt parseClaimsJws()"},
	"parseSignedClaims": {model.CheckToken, "jjwt parseSignedClaims()"},
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
