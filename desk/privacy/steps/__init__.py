"""Erasure and retention steps for the data of the layers below the desk (channels)."""
