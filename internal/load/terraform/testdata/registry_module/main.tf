module "lambda" {
  source        = "terraform-aws-modules/lambda/aws"
  version       = "7.2.0"
  function_name = "hello"
}

resource "aws_lambda_permission" "api" {
  function_name = module.lambda.lambda_function_name
  principal     = "apigateway.amazonaws.com"
  action        = "lambda:InvokeFunction"
}
