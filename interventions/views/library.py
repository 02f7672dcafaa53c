"""Example interventions to start from, and importing interventions from a file.
(To be built.)"""

from django.http import Http404


def example_list(request, pk):
    raise Http404


def example_use(request, pk, slug):
    raise Http404


def intervention_import(request, pk):
    raise Http404


def import_template(request, pk, file_format):
    raise Http404
