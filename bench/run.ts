console.log('benchmarks: none yet');
