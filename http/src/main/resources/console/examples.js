// Jobs to start from in the console's editor: one of each shape.
export const EXAMPLES = [
  { name: 'Hello', yaml: `name: hello
tasks:
  - name: say hello
    run: echo -n hello > $TORK_OUTPUT
` },
  { name: 'Sequential, with an input', yaml: `name: sequential
inputs:
  who: world
tasks:
  - name: first
    var: greeting
    env:
      WHO: "{{ inputs.who }}"
    run: echo -n "hello $WHO" > $TORK_OUTPUT
  - name: second
    env:
      GREETING: "{{ tasks.greeting }}"
    run: echo "$GREETING, again"
` },
  { name: 'Parallel', yaml: `name: parallel
tasks:
  - name: fan out
    parallel:
      tasks:
        - name: one
          run: sleep 1
        - name: two
          run: sleep 1
` },
  { name: 'Each', yaml: `name: each
tasks:
  - name: every item
    each:
      list: "{{ sequence(1, 4) }}"
      task:
        name: item
        env:
          ITEM: "{{ item.value }}"
        run: echo "item $ITEM"
` },
  { name: 'Retry', yaml: `name: retried
tasks:
  - name: flaky
    retry:
      limit: 2
    run: exit 1
` },
  { name: 'Sub-job', yaml: `name: parent
tasks:
  - name: child
    subjob:
      name: the child
      tasks:
        - name: inside
          run: echo from the sub-job
` },
];
