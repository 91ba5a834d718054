# Sourced by the build scripts: ccache keys that ignore where the checkout lives, so a fresh clone
# in another folder (as CI makes) reuses the objects an earlier build cached.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
