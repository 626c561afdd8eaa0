"""The numpy reference implementation: the specification the Kotlin and Swift cores reproduce."""
