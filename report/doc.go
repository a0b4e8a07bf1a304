// Package report writes the one-shot output of headroom's commands
// (snapshot, fit, models and cards): one JSON object for scripts, or text
// for people. Each command has one file holding its report type, which
// marshals to the command's JSON, and its text writer. Writers return
// write and encoding errors rather than dropping them.
//
// Everything a report holds was cleaned where it was read: the gpu
// package cleans what the driver and the process table give, and the
// catalogues refuse text a terminal would obey. Text the user typed is
// cleaned here before it is quoted.
package report
