variable "stage" {}

variable "memory" {
  type    = number
  default = 128
}

variable "enabled" {
  type = bool
}

resource "aws_lambda_function" "fn" {
  function_name = "orders-${var.stage}"
  memory_size   = var.memory
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}

data "aws_iam_policy" "basic" {
  name = "AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.fn.name
  policy_arn = data.aws_iam_policy.basic.arn
}
