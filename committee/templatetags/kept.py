"""`{% per_request "includes/header.html" %}`: a part of the page rendered for each reader, even of a kept page."""

from django import template

from committee import keep

register = template.Library()


@register.simple_tag(takes_context=True)
def per_request(context, template_name):
    return keep.per_request(context, template_name)
