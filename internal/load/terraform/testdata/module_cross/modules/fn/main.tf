variable "name" {}
variable "queue_arn" {}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  environment {
    variables = { QUEUE = var.queue_arn }
  }
}

output "role_arn" {
  value = aws_iam_role.this.arn
}
