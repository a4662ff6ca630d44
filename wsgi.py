"""The composition root: the API app, with the operator's command line added."""

import admin
from opsx_api import create_app

app = admin.init_app(create_app())
