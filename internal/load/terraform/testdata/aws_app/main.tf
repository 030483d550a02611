# A small but complete AWS app exercising the loader: a REST API with a
# Lambda authorizer, a public function URL, S3/SNS/schedule triggers, a
# local child module, count/for_each, tfvars and file()/templatefile().

variable "env" {
  type = string
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "worker_names" {
  type    = set(string)
  default = ["resize", "thumbnail"]
}

variable "replicas" {
  type    = number
  default = 2
}

locals {
  prefix = "shop-${var.env}"
  common_tags = {
    Team               = "payments"
    DataClassification = "confidential"
  }
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "Lambda"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api" {
  name                = "${local.prefix}-api"
  assume_role_policy  = data.aws_iam_policy_document.lambda_assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]

  inline_policy {
    name   = "read-secret"
    policy = file("${path.module}/policies/read-secret.json")
  }
}

data "aws_iam_policy_document" "uploads_rw" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "uploads_rw" {
  name   = "${local.prefix}-uploads-rw"
  policy = data.aws_iam_policy_document.uploads_rw.json
}

resource "aws_iam_role_policy_attachment" "api_uploads" {
  role       = aws_iam_role.api.name
  policy_arn = aws_iam_policy.uploads_rw.arn
}

resource "aws_iam_role_policy_attachment" "api_xray" {
  role       = aws_iam_role.api.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
}

resource "aws_lambda_function" "api" {
  function_name = "${local.prefix}-api"
  role          = aws_iam_role.api.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "build/api.zip"
  timeout       = 30
  tags          = local.common_tags

  environment {
    variables = {
      BUCKET     = aws_s3_bucket.uploads.bucket
      SECRET_ARN = aws_secretsmanager_secret.db.arn
      ACCOUNT    = data.aws_caller_identity.current.account_id
    }
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "worker" {
  for_each      = var.worker_names
  function_name = "${local.prefix}-${each.key}"
  role          = aws_iam_role.api.arn
  runtime       = "python3.12"
  handler       = "${each.value}.handler"
  filename      = "build/${each.key}.zip"
}

resource "aws_lambda_function" "authorizer" {
  function_name = "${local.prefix}-authorizer"
  role          = aws_iam_role.api.arn
  runtime       = "nodejs20.x"
  handler       = "auth.handler"
  filename      = "build/auth.zip"
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${aws_lambda_function.api.function_name}"
  retention_in_days = 14
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.api.function_name
  function_version = "$LATEST"
}

resource "aws_lambda_function_event_invoke_config" "api" {
  function_name          = aws_lambda_alias.live.function_name
  maximum_retry_attempts = 0
  destination_config {
    on_failure {
      destination = module.dlq.arn
    }
  }
}

resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "NONE"
  cors {
    allow_origins = ["*"]
    allow_methods = ["GET"]
  }
}

resource "aws_lambda_permission" "url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.api.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "${local.prefix}-uploads"
  tags   = local.common_tags
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecure"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["${aws_s3_bucket.uploads.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  dynamic "lambda_function" {
    for_each = aws_lambda_function.worker
    content {
      id                  = lambda_function.key
      lambda_function_arn = lambda_function.value.arn
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = "incoming/${lambda_function.key}/"
      filter_suffix       = ".jpg"
    }
  }
}

resource "aws_lambda_permission" "s3" {
  for_each      = aws_lambda_function.worker
  function_name = each.value.function_name
  action        = "lambda:InvokeFunction"
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_kms_key" "main" {
  description         = "${local.prefix} data key"
  enable_key_rotation = true
}

resource "aws_secretsmanager_secret" "db" {
  name       = "${local.prefix}/db"
  kms_key_id = aws_kms_key.main.arn
}

resource "aws_ssm_parameter" "api_key" {
  name  = "/${local.prefix}/api-key"
  type  = "SecureString"
  value = "placeholder"
}

resource "aws_sns_topic" "events" {
  name = "${local.prefix}-events"
}

resource "aws_sns_topic_subscription" "worker" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.worker["resize"].arn
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${local.prefix}-nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.worker["thumbnail"].arn
}

resource "aws_dynamodb_table" "sessions" {
  count        = var.replicas > 0 ? 1 : 0
  name         = "${local.prefix}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"
  attribute {
    name = "id"
    type = "S"
  }
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_lambda_event_source_mapping" "sessions" {
  event_source_arn  = aws_dynamodb_table.sessions[0].stream_arn
  function_name     = aws_lambda_function.worker["resize"].arn
  starting_position = "LATEST"
}

module "dlq" {
  source = "./modules/queue"
  name   = "${local.prefix}-dlq"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
