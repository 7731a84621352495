"""``guildhall plugin new``: a ready plugin package from the files in ``template/``."""
