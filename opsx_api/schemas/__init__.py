"""marshmallow schemas: the only validators and serialisers, one module a resource."""
