# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""The JNI glue of the Kotlin binding sketch (examples/bindings/kotlin/lrs_jni.c),
built as BUILD/liblrs_jni.so when CMake finds a JDK, driven from Java with
-Xcheck:jni (tests/examples/jni/JniSmoke.java stands in for Lrs.kt: there is
no Kotlin toolchain).

    python3 tests/examples/jni_test.py --lib BUILD/liblrs.so --bin-dir BUILD [--lrs BUILD/lrs]

Skipped when the build has no liblrs_jni.so or no JDK is installed (CI
machines get none from scripts/bootstrap). Standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
KOTLIN = os.path.join(ROOT, "examples", "bindings", "kotlin", "Lrs.kt")
JAVA = os.path.join(HERE, "jni", "JniSmoke.java")

BIN_DIR = None


def jdk_tool(name):
    """javac / java from JAVA_HOME, else from PATH; None when absent."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", name), os.X_OK):
        return os.path.join(home, "bin", name)
    return shutil.which(name)


class JniTest(unittest.TestCase):
    def test_declarations_match_the_kotlin_binding(self):
        # Lrs.kt's `@JvmStatic external fun NAME(` and the Java stand-in's
        # `static native TYPE NAME(` must name the same functions.
        with open(KOTLIN, encoding="utf-8") as f:
            kotlin = re.findall(r"@JvmStatic external fun (\w+)\(", f.read())
        with open(JAVA, encoding="utf-8") as f:
            java = re.findall(r"static native [\w\[\]]+ (\w+)\(", f.read())
        self.assertGreater(len(kotlin), 30)
        self.assertEqual(sorted(kotlin), sorted(java))
        # And lrs_jni.c registers each of them.
        with open(os.path.join(ROOT, "examples", "bindings", "kotlin", "lrs_jni.c"),
                  encoding="utf-8") as f:
            registered = re.findall(r'NATIVE\("(\w+)"', f.read())
        self.assertEqual(sorted(registered), sorted(kotlin))

    def test_java_drives_the_glue(self):
        lib = os.path.join(BIN_DIR, "liblrs_jni.so")
        if not os.path.exists(lib):
            self.skipTest("no liblrs_jni.so in %s (CMake found no JDK)" % BIN_DIR)
        javac, java = jdk_tool("javac"), jdk_tool("java")
        if not javac or not java:
            self.skipTest("no JDK (javac, java) installed")
        tmp = tempfile.mkdtemp(prefix="lrs-jni-")
        self.addCleanup(shutil.rmtree, tmp, True)
        classes = os.path.join(tmp, "classes")
        p = subprocess.run([javac, "-d", classes, JAVA], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout)
        p = subprocess.run([java, "-Xcheck:jni", "-Djava.library.path=" + BIN_DIR,
                            "-cp", classes, "com.example.lrs.JniSmoke",
                            os.path.join(tmp, "store")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("jni smoke: ok", p.stdout)
        # -Xcheck:jni reports misuse (a pending exception ignored, bad
        # modified UTF-8, leaked local references) as warnings.
        self.assertNotIn("WARNING", p.stdout)


def main():
    global BIN_DIR
    args = sys.argv[1:]
    for flag in ("--lib", "--bin-dir", "--lrs"):
        if flag in args:
            i = args.index(flag)
            if flag == "--bin-dir":
                BIN_DIR = os.path.abspath(args[i + 1])
            del args[i:i + 2]
    if BIN_DIR is None:
        sys.exit("usage: jni_test.py --bin-dir BUILD_DIR [--lib LIBLRS] [--lrs LRS]")
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)


if __name__ == "__main__":
    main()
