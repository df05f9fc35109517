"""Baseline: a bare Django JSON view (no auth, no database), served like the product."""

from django.http import JsonResponse

PAYLOAD = {
    "count": 10_000,
    "results": [{"id": i, "body": "Lorem ipsum dolor sit amet. " * 8} for i in range(50)],
}


def bare_json(request):
    return JsonResponse(PAYLOAD)
