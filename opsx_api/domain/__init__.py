"""Domain rules shared by the API's schemas and the services."""
