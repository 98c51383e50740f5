terraform {
  required_version = ">= 1.3"

  required_providers {
    crosscluster = {
      source = "crosscluster/crosscluster"
    }
  }
}
