"""Security audit of BMCs: probes (``probe``), what they show (``findings``), factory accounts (``defaults``)."""
