resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}

resource "aws_lambda_permission" "events" {
  statement_id   = "AllowEvents"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn.function_name
  principal      = "events.amazonaws.com"
  source_arn     = "arn:aws:events:eu-west-1:123456789012:rule/nightly"
  source_account = "123456789012"
}
