/* main: argv[1] -> subcommand, through the table in cmd/cmd.h. Nothing else. */
#include "cmd/cmd.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
#define CMD_ROW(name, help) {#name, cmd_##name, help},
	CMD_LIST(CMD_ROW)
#undef CMD_ROW
};

static int usage(FILE *f)
{
	fputs("usage: haven <command> [options]   (haven <command> --help for its options)\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	/* Everything Haven writes (databases, backups, keys) holds children's data or guards it. */
	umask(077);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "haven: unknown command %s\n", argv[1]);
	return usage(stderr);
}
