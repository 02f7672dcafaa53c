"""The results framework of an intervention: indicators with their target values per
year, and progress recorded per period. (To be built.)"""

from django.http import Http404


def indicator_add(request, pk, intervention_pk):
    raise Http404


def indicator_edit(request, pk, intervention_pk, indicator_pk):
    raise Http404


def indicator_remove(request, pk, intervention_pk, indicator_pk):
    raise Http404


def progress_add(request, pk, intervention_pk, indicator_pk):
    raise Http404


def progress_remove(request, pk, intervention_pk, indicator_pk, progress_pk):
    raise Http404
