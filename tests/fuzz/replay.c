// SPDX-License-Identifier: LGPL-2.1-or-later
/* Runs a fuzz harness over every file of its corpus directories, without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct scprof_error *err = NULL;
	if (read_file(path, SCPROF_MAX_INPUT, &buf, &len, &err) < 0) {
		fprintf(stderr, "replay: %s\n", err->msg);
		scprof_error_free(err);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			bad |= run_file(argv[i]);
			n++;
			continue;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *p = xasprintf("%s/%s", argv[i], e->d_name);
			bad |= run_file(p);
			free(p);
			n++;
		}
		closedir(d);
	}
	printf("replayed %d inputs\n", n);
	return bad;
}
