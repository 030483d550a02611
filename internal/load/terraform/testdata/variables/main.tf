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
