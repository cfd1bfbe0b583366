"""Names of roles and stakeholder categories (English ids; translated where shown)."""

from __future__ import annotations

from portal.i18n import N_

ROLES = ("admin", "penyusun", "moderator", "pemangku", "publik")
CATEGORIES = (
    "serikat-pekerja",
    "pengusaha",
    "bpjs",
    "opd",
    "dprd",
    "akademisi",
    "masyarakat-sipil",
    "pekerja-informal",
    "pemerintah-kabupaten-kota",
    "lainnya",
)

ROLE_NAMES = {
    "admin": N_("Administrator"),
    "penyusun": N_("Drafter"),
    "moderator": N_("Moderator"),
    "pemangku": N_("Verified stakeholder"),
    "publik": N_("Member of the public"),
}
CATEGORY_NAMES = {
    "serikat-pekerja": N_("Trade union"),
    "pengusaha": N_("Employers"),
    "bpjs": N_("BPJS Ketenagakerjaan"),
    "opd": N_("Regional government office (OPD)"),
    "dprd": N_("DPRD"),
    "akademisi": N_("Academia"),
    "masyarakat-sipil": N_("Civil society"),
    "pekerja-informal": N_("Informal and vulnerable workers"),
    "pemerintah-kabupaten-kota": N_("Regency or city government"),
    "lainnya": N_("Other"),
}
