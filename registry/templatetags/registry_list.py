"""The changelist's table with rows rendered by registry/admin/list_rows.py."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields
from django.contrib.admin.templatetags.base import InclusionAdminNode

from registry.admin import list_rows

register = template.Library()


def result_list(cl):
    """Django's result_list context, with the rows made once per column instead of once per cell."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": list_rows.results(cl),
    }


@register.tag(name="registry_result_list")
def result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=result_list, template_name="change_list_results.html", takes_context=False
    )
