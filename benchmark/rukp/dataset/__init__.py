"""annotations → dataset views: the configs of the Hugging Face dataset, their features and the card header."""
