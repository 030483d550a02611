resource "aws_lambda_function" "api" {
  function_name = "api"
  runtime       = "python3.12"
  handler       = "app.handler"
  role          = "arn:aws:iam::123456789012:role/fn"
  filename      = "api.zip"
}

resource "aws_lambda_function" "admin" {
  function_name = "admin"
  runtime       = "python3.12"
  handler       = "app.handler"
  role          = "arn:aws:iam::123456789012:role/fn"
  filename      = "admin.zip"
}

resource "aws_lambda_function" "elsewhere" {
  function_name = "elsewhere"
  runtime       = "python3.12"
  handler       = "app.handler"
  role          = "arn:aws:iam::123456789012:role/fn"
  filename      = "elsewhere.zip"
}

resource "aws_lb" "public" {
  internal           = false
  load_balancer_type = "application"
}

resource "aws_alb" "private" {
  internal = true
}

resource "aws_lb_target_group" "api" {
  target_type = "lambda"
}

resource "aws_lb_target_group" "admin" {
  target_type = "lambda"
}

resource "aws_lb_target_group" "elsewhere" {
  target_type = "lambda"
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_lambda_function.api.arn
}

resource "aws_lb_target_group_attachment" "admin" {
  target_group_arn = aws_lb_target_group.admin.arn
  target_id        = aws_lambda_function.admin.arn
}

resource "aws_lb_target_group_attachment" "elsewhere" {
  target_group_arn = aws_lb_target_group.elsewhere.arn
  target_id        = aws_lambda_function.elsewhere.arn
}

resource "aws_lb_listener" "public" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_alb_listener" "private" {
  load_balancer_arn = aws_alb.private.arn
  port              = 80
  default_action {
    type = "forward"
    forward {
      target_group {
        arn = aws_lb_target_group.api.arn
      }
    }
  }
}

resource "aws_cognito_user_pool" "staff" {
  name = "staff"
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.public.arn
  priority     = 1
  action {
    type = "authenticate-cognito"
    authenticate_cognito {
      user_pool_arn       = aws_cognito_user_pool.staff.arn
      user_pool_client_id = "client"
      user_pool_domain    = "staff"
    }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }
  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
  condition {
    http_request_method {
      values = ["get", "post"]
    }
  }
}
