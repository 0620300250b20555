"""``{% item_faq item %}``: an item's FAQ and the ways to ask, on the catalogue's item page."""

from django import template

from servicehall.consult.selectors import faq_for_item

register = template.Library()


@register.inclusion_tag("consult/_item_faq.html")
def item_faq(item):
    return {"faqs": faq_for_item(item=item), "item": item, "hall": item.hall}
