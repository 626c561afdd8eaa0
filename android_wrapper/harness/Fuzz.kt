package dev.packager.face.harness

import java.io.File

fun runFuzz(seed: Long, iterations: Int, outFile: File): Int = 0
