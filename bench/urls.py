"""The product's URLs plus the bare baseline view, for benchmark servers only."""

from django.urls import path

from alliance.urls import urlpatterns as product_urlpatterns
from bench.baselines.views import bare_json

urlpatterns = [path("bench/bare-json/", bare_json), *product_urlpatterns]
