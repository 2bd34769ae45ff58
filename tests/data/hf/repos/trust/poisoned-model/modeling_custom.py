import os


class CustomModel:
    """Stands for the modeling code some repos ship for trust_remote_code=True."""

    def __init__(self):
        os.getcwd()
