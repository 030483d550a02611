module example.com/authorizer

go 1.21

require (
	github.com/aws/aws-lambda-go v1.41.0
	github.com/dgrijalva/jwt-go v3.2.0+incompatible
	golang.org/x/net v0.17.0 // indirect
)

require golang.org/x/text v0.13.0 // indirect
