"""Legal process: the register of demands from authorities and others, tiered release with four
eyes, preservation holds, deferred notice and the transparency report (SHR-5, SHR-6, SHR-7)."""
