"""Asking the community: survey definitions, distribution, responses, weighting and estimates."""
