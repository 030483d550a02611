# Azure Functions app: a Linux function app with a system-assigned identity,
# app settings holding a connection string and a Key Vault reference, and a
# role assignment on the storage account; a Windows app with Easy Auth on.

variable "location" {
  type    = string
  default = "westeurope"
}

resource "azurerm_resource_group" "rg" {
  name     = "orders-rg"
  location = var.location
}

resource "azurerm_storage_account" "sa" {
  name                            = "ordersstore"
  resource_group_name             = azurerm_resource_group.rg.name
  location                        = azurerm_resource_group.rg.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = true
  min_tls_version                 = "TLS1_0"
}

resource "azurerm_key_vault" "kv" {
  name                     = "orders-kv"
  location                 = azurerm_resource_group.rg.location
  resource_group_name      = azurerm_resource_group.rg.name
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = false
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "change-me"
  key_vault_id = azurerm_key_vault.kv.id
}

resource "azurerm_service_plan" "plan" {
  name                = "orders-plan"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  os_type             = "Linux"
  sku_name            = "Y1"
}

resource "azurerm_linux_function_app" "api" {
  name                       = "orders-api"
  resource_group_name        = azurerm_resource_group.rg.name
  location                   = azurerm_resource_group.rg.location
  service_plan_id            = azurerm_service_plan.plan.id
  storage_account_name       = azurerm_storage_account.sa.name
  storage_account_access_key = azurerm_storage_account.sa.primary_access_key
  https_only                 = false

  site_config {
    application_stack {
      python_version = "3.11"
    }
  }

  app_settings = {
    FUNCTIONS_WORKER_RUNTIME = "python"
    DB_PASSWORD              = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.db.id})"
    STORAGE_CONNECTION       = azurerm_storage_account.sa.primary_connection_string
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "api_blob" {
  scope                = azurerm_storage_account.sa.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_linux_function_app.api.identity[0].principal_id
}

resource "azurerm_windows_function_app" "admin" {
  name                       = "orders-admin"
  resource_group_name        = azurerm_resource_group.rg.name
  location                   = azurerm_resource_group.rg.location
  service_plan_id            = azurerm_service_plan.plan.id
  storage_account_name       = azurerm_storage_account.sa.name
  storage_account_access_key = azurerm_storage_account.sa.primary_access_key
  https_only                 = true

  site_config {
    application_stack {
      dotnet_version = "v8.0"
    }
  }

  auth_settings_v2 {
    auth_enabled           = true
    unauthenticated_action = "Return401"
    login {}
  }
}

resource "azurerm_function_app_function" "orders" {
  name            = "orders"
  function_app_id = azurerm_linux_function_app.api.id
  language        = "Python"
  config_json = jsonencode({
    bindings = [
      {
        authLevel = "anonymous"
        direction = "in"
        methods   = ["get", "post"]
        name      = "req"
        type      = "httpTrigger"
        route     = "orders/{id?}"
      },
      {
        direction = "out"
        name      = "$return"
        type      = "http"
      },
    ]
  })
}

resource "azurerm_function_app_function" "cleanup" {
  name            = "cleanup"
  function_app_id = azurerm_linux_function_app.api.id
  language        = "Python"
  config_json = jsonencode({
    bindings = [{
      direction = "in"
      name      = "timer"
      type      = "timerTrigger"
      schedule  = "0 0 * * * *"
    }]
  })
}

resource "azurerm_function_app_function" "report" {
  name            = "report"
  function_app_id = azurerm_windows_function_app.admin.id
  language        = "CSharp"
  config_json = jsonencode({
    bindings = [{
      authLevel = "anonymous"
      direction = "in"
      name      = "req"
      type      = "httpTrigger"
      methods   = ["get"]
    }]
  })
}
