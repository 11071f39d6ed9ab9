"""Keyset pagination: every row exactly once, also while rows are added or changed; cursors are
signed and tied to their ordering; the queries per page do not grow with the page size."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Organization, ReviewStatus, Talent
from registry.tests.api_support import ApiTestCase, make_key

TALENTS = "/api/v1/talents/"


class KeysetPaginationTests(ApiTestCase):
    employer: Organization

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.employer = Organization.objects.create(name="分页单位", division=cls.division_a)
        Talent.objects.bulk_create([Talent(name=f"人才{n:02d}", employer=cls.employer) for n in range(12)])

    def setUp(self):
        super().setUp()
        # The rows are drafts (new records): the key reads every review state and the walks ask for them.
        self.key, self.token = make_key(include_pending=True)

    def walk(self, url, between_pages=None):
        """Every row's id following the `next` links; `between_pages(page_number)` runs after each page."""
        ids, page = [], 0
        url += "&review_status=all"
        while url:
            body = self.api(url, self.token).json()
            ids += [row["id"] for row in body["results"]]
            url, page = body["next"], page + 1
            if between_pages and url:
                between_pages(page)
        return ids

    def test_walking_the_pages_returns_every_row_once_in_id_order(self):
        ids = self.walk(f"{TALENTS}?page_size=5")
        self.assertEqual(ids, list(Talent.objects.order_by("id").values_list("id", flat=True)))

    def test_rows_added_while_paging_are_neither_skipped_nor_repeated(self):
        before = list(Talent.objects.order_by("id").values_list("id", flat=True))

        def add(page):
            Talent.objects.create(name=f"新增{page}", employer=self.employer)

        ids = self.walk(f"{TALENTS}?page_size=4", add)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(ids[: len(before)], before)
        self.assertEqual(set(ids), set(Talent.objects.values_list("id", flat=True)))

    def test_descending_order_while_rows_are_added(self):
        before = list(Talent.objects.order_by("-id").values_list("id", flat=True))
        ids = self.walk(f"{TALENTS}?page_size=4&ordering=-id", lambda page: Talent.objects.create(name=f"新{page}"))
        self.assertEqual(ids, before)  # new rows are above the first page: a new walk picks them up

    def test_updated_at_order_with_equal_times_and_changes_while_paging(self):
        same = timezone.now() - datetime.timedelta(days=1)
        Talent.objects.update(updated_at=same)  # a bulk import gives many rows one time
        all_ids = set(Talent.objects.values_list("id", flat=True))
        changed = []

        def change(page):
            talent = Talent.objects.filter(review_status=ReviewStatus.DRAFT).order_by("id").first()
            talent.save()  # moves to the end of the updated_at order (a draft: approved records are read-only)
            changed.append(talent.pk)

        ids = self.walk(f"{TALENTS}?page_size=3&ordering=updated_at", change)
        self.assertEqual(set(ids), all_ids)
        # Each row once, except the changed one, delivered again with its new time at the end.
        self.assertEqual(len(ids), len(all_ids) + (1 if changed else 0))
        self.assertEqual(ids[-1], changed[0])

    def test_updated_since_gives_the_changes_only(self):
        old = timezone.now() - datetime.timedelta(days=10)
        Talent.objects.update(updated_at=old)
        Talent.objects.filter(pk=self.talent_a.pk).update(updated_at=timezone.now())  # approved: no save()
        since = (old + datetime.timedelta(days=1)).isoformat()
        self.assertEqual(self.names(f"{TALENTS}?updated_since={since.replace('+', '%2B')}", self.token), {"张三"})
        self.assertEqual(self.names(f"{TALENTS}?updated_since={since}", self.token), {"张三"})  # "+" as a space
        self.assertEqual(
            len(self.results(f"{TALENTS}?updated_since={old.date()}&page_size=200&review_status=all", self.token)), 14
        )

    def test_a_changed_cursor_is_refused(self):
        body = self.api(f"{TALENTS}?page_size=2&review_status=all", self.token).json()
        cursor = body["next"].split("cursor=")[1].split("&")[0]
        for query in (f"page_size=2&cursor={cursor[:-2]}xx", "cursor=eyJpIjoxfQ", f"cursor={cursor}&ordering=-id"):
            self.assert_error(self.api(f"{TALENTS}?{query}", self.token), 400, "invalid_parameter")

    def test_page_size_and_ordering_are_checked(self):
        for query in ("page_size=0", "page_size=201", "page_size=x", "ordering=name", "ordering=-birth_date"):
            self.assert_error(self.api(f"{TALENTS}?{query}", self.token), 400, "invalid_parameter")
        self.assertEqual(len(self.results(f"{TALENTS}?page_size=200&review_status=all", self.token)), 14)

    def test_queries_per_page_do_not_grow_with_rows(self):
        def count(size):
            with CaptureQueriesContext(connection) as queries:
                self.api(f"/api/v1/workstations/?page_size={size}", self.token)
                self.api(f"{TALENTS}?page_size={size}", self.token)
            return len(queries)

        count(1)  # the key's first call writes its last-used time
        self.assertEqual(count(2), count(14))
