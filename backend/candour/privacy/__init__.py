"""The personal data lifecycle: retention after completion, erasure on request, and the
participant's own export. Drives identity (which forgets people) and contributions (which
withdraws content) through their public functions."""
