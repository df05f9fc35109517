from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class OneQueryPaginator(Paginator):
    """Pages of a source that returns a page and the total together: `source.fetch(offset,
    limit) -> (rows, total)`; `source.count()` is asked only for an empty or "last" page."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        rows, self.count = self.object_list.fetch((number - 1) * self.per_page, self.per_page)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


class OneQueryPagination(Pagination):
    """The same answer as `Pagination`, without its separate COUNT query."""

    django_paginator_class = OneQueryPaginator
