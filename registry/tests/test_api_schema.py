"""The OpenAPI schema validates (drf-spectacular's own validation) and names every endpoint; the
docs are served from the project for callers who are logged in or hold a key."""

import re
import tempfile
from pathlib import Path

from django.core.management import call_command

from registry import roles
from registry.api.resources import RESOURCES
from registry.tests.api_support import ApiTestCase, make_key
from registry.tests.support import make_user


class SchemaTests(ApiTestCase):
    def test_the_schema_validates_without_warnings(self):
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "schema.yaml"
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
            text = target.read_text(encoding="utf-8")
        for resource in RESOURCES:
            self.assertIn(f"/api/v1/{resource.name}/:", text)
            self.assertIn(f"/api/v1/{resource.name}/{{id}}/:", text)
        self.assertIn("/api/v1/dashboard/:", text)

    def test_schema_and_docs_need_a_caller(self):
        for url in ("/api/schema/", "/api/docs/"):
            self.assert_error(self.api(url), 401, "not_authenticated")
        _key, token = make_key(kinds=[])
        self.assertEqual(self.api("/api/schema/?format=json", token).json()["openapi"][:2], "3.")

    def test_docs_load_nothing_from_outside(self):
        self.client.force_login(make_user(roles.REVIEWER, username="reader"))
        page = self.api("/api/docs/").content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        self.assertTrue(sources)
        for source in sources:
            self.assertTrue(source.startswith("/"), source)
        script = self.api("/api/docs/?script=")
        self.assertEqual(script.status_code, 200)
        self.assertIn("/api/schema/", script.content.decode())
