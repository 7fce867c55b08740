"""打印文书 keeps no tables of its own: a document is generated from the project's records each time it is
downloaded, and the download is recorded in the audit log (action ``printout.download``)."""
