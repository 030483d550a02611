# Google Cloud Functions app: a public HTTP function (gen1), a private gen2
# function triggered by Pub/Sub, a Storage-triggered gen1 function, and a
# Cloud Run service open to all authenticated users.

variable "project" {
  type    = string
  default = "acme-prod"
}

resource "google_service_account" "fn" {
  account_id   = "orders-fn"
  display_name = "Orders functions"
}

resource "google_project_iam_member" "fn_firestore" {
  project = var.project
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.fn.email}"
}

resource "google_storage_bucket" "uploads" {
  name                        = "${var.project}-uploads"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_storage_bucket" "source" {
  name     = "${var.project}-source"
  location = "EU"
}

resource "google_pubsub_topic" "orders" {
  name = "orders"
}

resource "google_cloudfunctions_function" "api" {
  name                  = "orders-api"
  runtime               = "python312"
  entry_point           = "handle"
  available_memory_mb   = 256
  source_archive_bucket = google_storage_bucket.source.name
  source_archive_object = "api.zip"
  trigger_http          = true
  service_account_email = google_service_account.fn.email
  environment_variables = {
    TOPIC = google_pubsub_topic.orders.id
  }
}

resource "google_cloudfunctions_function_iam_member" "api_public" {
  project        = var.project
  region         = "europe-west1"
  cloud_function = google_cloudfunctions_function.api.name
  role           = "roles/cloudfunctions.invoker"
  member         = "allUsers"
}

resource "google_cloudfunctions_function" "thumbnail" {
  name                  = "thumbnail"
  runtime               = "nodejs20"
  entry_point           = "thumbnail"
  source_archive_bucket = google_storage_bucket.source.name
  source_archive_object = "thumbnail.zip"
  event_trigger {
    event_type = "google.storage.object.finalize"
    resource   = google_storage_bucket.uploads.name
  }
}

resource "google_cloudfunctions2_function" "processor" {
  name     = "order-processor"
  location = "europe-west1"

  build_config {
    runtime     = "go122"
    entry_point = "Process"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = "processor.zip"
      }
    }
  }

  service_config {
    available_memory      = "512M"
    timeout_seconds       = 60
    service_account_email = google_service_account.fn.email
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
    environment_variables = {
      BUCKET = google_storage_bucket.uploads.name
    }
  }

  event_trigger {
    event_type   = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic = google_pubsub_topic.orders.id
  }
}

resource "google_cloud_run_v2_service" "web" {
  name     = "web"
  location = "europe-west1"
  template {
    service_account = google_service_account.fn.email
    containers {
      image = "europe-docker.pkg.dev/acme/web/web:1.0"
      env {
        name  = "API_URL"
        value = google_cloudfunctions_function.api.https_trigger_url
      }
    }
  }
}

resource "google_cloud_run_v2_service_iam_binding" "web_invokers" {
  name     = google_cloud_run_v2_service.web.name
  location = google_cloud_run_v2_service.web.location
  role     = "roles/run.invoker"
  members  = ["allAuthenticatedUsers"]
}

data "google_iam_policy" "admins" {
  binding {
    role    = "roles/cloudfunctions.invoker"
    members = ["allUsers"]
  }
}

resource "google_cloudfunctions2_function_iam_policy" "processor" {
  cloud_function = google_cloudfunctions2_function.processor.name
  location       = "europe-west1"
  policy_data    = data.google_iam_policy.admins.policy_data
}
