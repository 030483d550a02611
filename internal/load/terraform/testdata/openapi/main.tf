resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}

resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
  body = templatefile("${path.module}/openapi.yaml", {
    orders_arn = aws_lambda_function.orders.invoke_arn
  })
}

resource "aws_apigatewayv2_api" "http" {
  name          = "orders-http"
  protocol_type = "HTTP"
  body = jsonencode({
    openapi = "3.0.1"
    paths = {
      "/health" = {
        get = {
          "x-amazon-apigateway-integration" = {
            type       = "AWS_PROXY"
            uri        = aws_lambda_function.orders.invoke_arn
            httpMethod = "POST"
          }
        }
      }
    }
  })
}
