"""The plan's interventions: list, page, form, removal, comments, coverage. (Being built.)"""

from django.http import Http404


def intervention_list(request, pk):
    raise Http404


def intervention_create(request, pk):
    raise Http404


def coverage(request, pk):
    raise Http404


def intervention_detail(request, pk, intervention_pk):
    raise Http404


def intervention_edit(request, pk, intervention_pk):
    raise Http404


def intervention_remove(request, pk, intervention_pk):
    raise Http404


def comment_add(request, pk, intervention_pk):
    raise Http404
