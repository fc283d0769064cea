// The MIME module: RFC 5322/2045-2049/2047/2231 building blocks.
