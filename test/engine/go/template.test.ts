import { describe, expect, it } from 'vitest';
import { sprintf } from '../../../src/engine/go/printf.ts';
import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../../src/engine/go/template.ts';
import {
  f,
  type GoValue,
  goFloat,
  goFunc,
  goMap,
  goPtr,
  goSlice,
  goStringMap,
  goStruct,
} from '../../../src/engine/go/values.ts';

const ipamConfig = goStruct('network.IPAMConfig', [
  f('Subnet', '172.18.0.0/16'),
  f('IPRange', ''),
  f('Gateway', '172.18.0.1'),
  f('AuxAddress', goStringMap(null)),
]);

const network = goStruct(
  'types.NetworkResource',
  [
    f('Name', 'mynet'),
    f('Driver', 'bridge'),
    f('Internal', false),
    f('EnableIPv6', true),
    f('IPAM', goStruct('network.IPAM', [f('Driver', 'default'), f('Config', goSlice([ipamConfig]))])),
    f(
      'Containers',
      goMap({
        c2: goStruct('types.EndpointResource', [f('Name', 'db')]),
        c1: goStruct('types.EndpointResource', [f('Name', 'web')]),
      }),
    ),
    f('Options', goStringMap({ 'com.docker.network.bridge.name': 'docker0' })),
    f('Labels', goStringMap({ a: 'HeLLo', b: '<x>&y' })),
    f('Args', goSlice(['a', 'b', 'c'])),
    f('Empty', goSlice([], true)),
    f('Count', 3),
    f('Ratio', goFloat(0.5)),
    f('Raw', goMap({ k: 'v', n: null })),
    f('Iface', null),
    f('Items', goSlice([null])),
    f('Ptr', goPtr(goStruct('types.Inner', [f('X', 'x')]))),
  ],
  {
    Label: goFunc((key) => {
      if (key === 'boom') throw new Error('no such label');
      return `label:${String(key)}`;
    }),
  },
);

const run = (text: string, data: GoValue = network): string =>
  parseTemplate(text, dockerTemplateFuncs).execute(data);
const fails = (text: string, data: GoValue = network): string => {
  try {
    run(text, data);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error(`expected ${text} to fail`);
};

describe('docker-typical formats', () => {
  it.each([
    ['{{range .IPAM.Config}}{{.Subnet}}{{end}}', '172.18.0.0/16'],
    ['{{json .Labels}}', '{"a":"HeLLo","b":"<x>&y"}'],
    ['{{index .Options "com.docker.network.bridge.name"}}', 'docker0'],
    ['{{range $k, $v := .Containers}}{{$v.Name}} {{end}}', 'web db '],
    ['{{.IPAM.Config}}', '[{172.18.0.0/16  172.18.0.1 map[]}]'],
    ['{{if .Internal}}yes{{else}}no{{end}}', 'no'],
    ['{{join .Args ","}}', 'a,b,c'],
    ['{{printf "%-10s|" .Name}}', 'mynet     |'],
    ['{{.Name | upper}}', 'MYNET'],
    ['{{lower (index .Labels "a")}}', 'hello'],
    ['{{.Name}} {{.Driver}}', 'mynet bridge'],
    ['{{.Options}}', 'map[com.docker.network.bridge.name:docker0]'],
    ['{{json .Name}}', '"mynet"'],
    ['{{json .Empty}}', 'null'],
    ['{{.Label "com.example"}}', 'label:com.example'],
    ['{{(index .IPAM.Config 0).Gateway}}', '172.18.0.1'],
  ])('%s', (text, want) => {
    expect(run(text)).toBe(want);
  });
});

describe('text and actions', () => {
  it('copies text and trims around markers', () => {
    expect(run('a {{- " b " -}} c')).toBe('a b c');
    expect(run('x  \n {{- .Name}}')).toBe('xmynet');
    expect(run('{{.Name -}} \n\t y')).toBe('mynety');
    expect(run('{{3 -}} 4')).toBe('34');
  });
  it('drops comments, trimmed or not', () => {
    expect(run('a{{/* hidden */}}b')).toBe('ab');
    expect(run('a {{- /* hidden */ -}} b')).toBe('ab');
  });
  it('prints literals', () => {
    expect(run('{{"a\\tb"}}|{{`raw\\n`}}|{{\'a\'}}|{{42}}|{{-7}}|{{1.5}}|{{1e3}}|{{0x10}}|{{true}}')).toBe(
      'a\tb|raw\\n|97|42|-7|1.5|1000|16|true',
    );
  });
  it('prints dot, and <no value> for missing data', () => {
    expect(run('{{.}}', 'plain')).toBe('plain');
    expect(run('{{.}}', null)).toBe('<no value>');
    expect(run('{{.Foo}}', null)).toBe('<no value>');
  });
  it('prints a missing key reached as a field as <no value>', () => {
    expect(run('{{.Labels.zz}}')).toBe('<no value>');
    expect(run('{{.Raw.zz.deeper}}')).toBe('<no value>');
    expect(run('{{.Raw.k}}')).toBe('v');
  });
  it('prints the zero value for a missing key through index', () => {
    expect(run('[{{index .Labels "zz"}}]')).toBe('[]');
    expect(run('{{index .Raw "zz"}}')).toBe('<no value>');
  });
  it('prints pointers dereferenced', () => {
    expect(run('{{.Ptr}}')).toBe('{x}');
    expect(run('{{.Ptr.X}}')).toBe('x');
  });
});

describe('variables and pipelines', () => {
  it('declares and assigns variables', () => {
    expect(run('{{$x := .Name}}{{$x}}')).toBe('mynet');
    expect(run('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}')).toBe('2');
    expect(run('{{with .IPAM}}{{$.Name}}/{{.Driver}}{{end}}')).toBe('mynet/default');
  });
  it('passes the previous value as the last argument', () => {
    expect(run('{{"," | printf "%s-%s" "a"}}')).toBe('a-,');
    expect(run('{{"x" | printf "%s%s" "y" | upper}}')).toBe('YX');
  });
  it('evaluates parenthesized pipelines and chains on them', () => {
    expect(run('{{(index .IPAM.Config 0).Subnet}}')).toBe('172.18.0.0/16');
    expect(run('{{len (split "a:b:c" ":")}}')).toBe('3');
  });
});

describe('control structures', () => {
  it('if / else if / else', () => {
    const t = '{{if eq .Count 1}}one{{else if eq .Count 3}}three{{else}}other{{end}}';
    expect(run(t)).toBe('three');
    expect(run('{{if .Empty}}y{{else}}n{{end}}{{if .Args}}Y{{end}}{{if .Iface}}I{{end}}')).toBe('nY');
  });
  it('with / else', () => {
    expect(run('{{with .Name}}[{{.}}]{{end}}')).toBe('[mynet]');
    expect(run('{{with .Empty}}x{{else}}none {{.Name}}{{end}}')).toBe('none mynet');
  });
  it('range over slices, maps (sorted) and empty values', () => {
    expect(run('{{range $i, $v := .Args}}{{$i}}={{$v}} {{end}}')).toBe('0=a 1=b 2=c ');
    expect(run('{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}')).toBe('a:HeLLo;b:<x>&y;');
    expect(run('{{range $v := .Args}}{{$v}}{{end}}')).toBe('abc');
    expect(run('{{range .Empty}}x{{else}}empty{{end}}')).toBe('empty');
    expect(run('{{range .Labels.missing}}x{{else}}none{{end}}')).toBe('none');
  });
  it('break and continue', () => {
    expect(run('{{range .Args}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}')).toBe('a');
    expect(run('{{range .Args}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}')).toBe('ac');
  });
  it('define, template and block', () => {
    expect(run('{{define "T"}}<{{.}}>{{end}}{{template "T" .Name}}{{template "T" 1}}')).toBe('<mynet><1>');
    expect(run('{{block "B" .Driver}}[{{.}}]{{end}}')).toBe('[bridge]');
    expect(run('{{define "T"}}x{{.}}{{end}}{{template "T"}}')).toBe('x<no value>');
  });
});

describe('builtin functions', () => {
  it('and / or return the deciding value and short-circuit', () => {
    expect(run('{{and 1 0 2}}|{{and 1 2}}|{{or 0 "" "x"}}|{{or 0 ""}}')).toBe('0|2|x|');
    expect(run('{{or .Name (index .Args 99)}}')).toBe('mynet');
    expect(run('{{and .Empty (index .Args 99)}}')).toBe('[]');
    expect(run('{{not 0}} {{not .Name}}')).toBe('true false');
  });
  it('len, index, slice', () => {
    expect(run('{{len .Args}} {{len .Labels}} {{len "héllo"}}')).toBe('3 2 6');
    expect(run('{{index .Args 1}} {{index .Containers "c1" | printf "%v"}}')).toBe('b {web}');
    expect(run('{{index "abc" 1}}')).toBe('98');
    expect(run('{{slice .Args 1}} {{slice .Args 1 2}} {{slice "abcdef" 2 4}}')).toBe('[b c] [b] cd');
  });
  it('print, println, printf', () => {
    expect(run('{{print 1 2 "a" "b" 3}}')).toBe('1 2ab3');
    expect(run('{{println "a" 1}}')).toBe('a 1\n');
    expect(run('{{print .Labels.missing}}')).toBe('<nil>');
    expect(run('{{printf "%d-%s" .Count .Name}}')).toBe('3-mynet');
  });
  it('eq, ne, lt, le, gt, ge', () => {
    expect(run('{{eq .Count 1 2 3}} {{eq .Name "x"}} {{ne 1 2}} {{eq true true}}')).toBe(
      'true false true true',
    );
    expect(run('{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}')).toBe('true true true false');
  });
  it('html, js, urlquery', () => {
    expect(run('{{html "<a href=\\"x\\">&\'"}}')).toBe('&lt;a href=&#34;x&#34;&gt;&amp;&#39;');
    expect(run('{{js "it\'s \\"q\\" \\\\"}}')).toBe('it\\\'s \\"q\\" \\\\');
    expect(run('{{urlquery "a b&c=d/é"}}')).toBe('a+b%26c%3Dd%2F%C3%A9');
  });
  it('call', () => {
    const data = goStruct('T', [
      f(
        'F',
        goFunc((a, b) => `${String(a)}+${String(b)}`),
      ),
    ]);
    expect(run('{{call .F "x" 2}}', data)).toBe('x+2');
  });
});

describe("docker's functions", () => {
  it('json', () => {
    expect(run('{{json .IPAM.Config}}')).toBe(
      '[{"Subnet":"172.18.0.0/16","IPRange":"","Gateway":"172.18.0.1","AuxAddress":null}]',
    );
    expect(run('{{json .Iface}}')).toBe('null');
  });
  it('split, join, title, lower, upper', () => {
    expect(run('{{split "a,b,,c" ","}} {{len (split "" ",")}}')).toBe('[a b  c] 1');
    expect(run('{{join (split "x-y" "-") "+"}}')).toBe('x+y');
    expect(run('{{title "hello world-foo bar_baz"}}')).toBe('Hello World-Foo Bar_baz');
    expect(run('{{lower "ÀBC"}} {{upper "àbc"}}')).toBe('àbc ÀBC');
  });
  it('pad and truncate', () => {
    expect(run('[{{pad "x" 2 3}}][{{pad "" 2 3}}]')).toBe('[  x   ][]');
    expect(run('{{truncate "abcdef" 3}} {{truncate "ab" 3}} {{truncate "abc" 3}}')).toBe('abc ab abc');
  });
});

describe('printf', () => {
  it.each([
    ['%s|%v|%d|%t', ['a', 'b', 42, true], 'a|b|42|true'],
    ['%q', ['a"b\n'], '"a\\"b\\n"'],
    ['%x %X %x', [255, 255, 'hi'], 'ff FF 6869'],
    [
      '%f %.2f %.0f %e',
      [goFloat(1.23456), goFloat(1.23456), goFloat(2.5), goFloat(1234.5678)],
      '1.234560 1.23 2 1.234568e+03',
    ],
    ['%v %v %v', [goFloat(1e6), goFloat(123456), goFloat(1e-5)], '1e+06 123456 1e-05'],
    ['%5s|%-5s|%05d|%+d|%x', ['ab', 'ab', -42, 7, -255], '   ab|ab   |-0042|+7|-ff'],
    ['%.3s|%6.2f|%-8v|', ['abcdef', goFloat(1.23456), 12], 'abc|  1.23|12      |'],
    ['100%%', [], '100%'],
    ['%d', ['foo'], '%!d(string=foo)'],
    ['%s', [42], '%!s(int=42)'],
    ['%s %s', ['a'], 'a %!s(MISSING)'],
    ['%s', ['a', 1, null], 'a%!(EXTRA int=1, <nil>)'],
    ['%d', [null], '%!d(<nil>)'],
    ['%v|%s', [null, null], '<nil>|%!s(<nil>)'],
    ['%c%c', [72, 0x263a], 'H☺'],
    ['%T %T %T', ['s', 1, goSlice(['a'])], 'string int []string'],
    ['%!', [], '%!!(MISSING)'],
    ['abc%', [], 'abc%!(NOVERB)'],
  ])('%s', (format, args, want) => {
    expect(sprintf(format, args as GoValue[])).toBe(want);
  });
  it('formats composite values', () => {
    expect(run('{{printf "%+v" (index .IPAM.Config 0)}}')).toBe(
      '{Subnet:172.18.0.0/16 IPRange: Gateway:172.18.0.1 AuxAddress:map[]}',
    );
    expect(run('{{printf "%v" .Ptr}}')).toBe('&{x}');
    expect(run('{{printf "%q" .Args}}')).toBe('["a" "b" "c"]');
    expect(run('{{printf "%d" .Args}}')).toBe('[%!d(string=a) %!d(string=b) %!d(string=c)]');
    expect(run('{{printf "%v" .Labels}}')).toBe('map[a:HeLLo b:<x>&y]');
  });
});

describe('parse errors', () => {
  it.each([
    ['{{foo}}', 'template: :1: function "foo" not defined'],
    ['{{.Foo}', "template: :1: bad character U+007D '}'"],
    ['{{.Foo', 'template: :1: unclosed action'],
    ['{{/* x', 'template: :1: unclosed comment'],
    ['{{if .X}}', 'template: :1: unexpected EOF'],
    ['{{end}}', 'template: :1: unexpected {{end}}'],
    ['{{else}}', 'template: :1: unexpected {{else}}'],
    ['{{}}', 'template: :1: missing value for command'],
    ['{{if}}{{end}}', 'template: :1: missing value for if'],
    ['{{$x}}', 'template: :1: undefined variable "$x"'],
    ['{{break}}', 'template: :1: {{break}} outside {{range}}'],
    ['{{"abc}}', 'template: :1: unterminated quoted string'],
    ['{{.X | "a"}}', 'template: :1: non executable command in pipeline stage 2'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: :1: too many declarations in range'],
    ['{{template .X}}', 'template: :1: unexpected ".X" in template clause'],
    ['a\n{{.A}}\n{{bad}}', 'template: :3: function "bad" not defined'],
    ['{{(1}}', 'template: :1: unclosed left paren'],
    ['{{3 .X}}{{"a".Y}}', 'template: :1: unexpected . after term "\\"a\\""'],
  ])('%s', (text, want) => {
    expect(() => parseTemplate(text, dockerTemplateFuncs)).toThrow(new TemplateError(want));
  });
});

describe('execution errors', () => {
  it.each([
    [
      '{{.Foo}}',
      'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type types.NetworkResource',
    ],
    [
      '{{index}}',
      'template: :1:2: executing "" at <index>: wrong number of args for index: want at least 1 got 0',
    ],
    [
      '{{index .Args 5}}',
      'template: :1:2: executing "" at <index .Args 5>: error calling index: index out of range: 5',
    ],
    [
      '{{eq 1 "a"}}',
      'template: :1:2: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison',
    ],
    [
      '{{lt 1 1.5}}',
      'template: :1:2: executing "" at <lt 1 1.5>: error calling lt: incompatible types for comparison',
    ],
    ['{{eq 1}}', 'template: :1:2: executing "" at <eq 1>: error calling eq: missing argument for comparison'],
    ['{{lt 1}}', 'template: :1:2: executing "" at <lt>: wrong number of args for lt: want 2 got 1'],
    ['{{upper 3}}', 'template: :1:8: executing "" at <3>: expected string; found 3'],
    [
      '{{upper .Count}}',
      'template: :1:8: executing "" at <.Count>: wrong type for value; expected string; got int',
    ],
    ['{{truncate .Name "x"}}', 'template: :1:17: executing "" at <"x">: expected integer; found "x"'],
    [
      '{{index .Labels 1}}',
      'template: :1:2: executing "" at <index .Labels 1>: error calling index: value has type int; should be string',
    ],
    [
      '{{range .Items}}{{.Name}}{{end}}',
      'template: :1:18: executing "" at <.Name>: nil pointer evaluating interface {}.Name',
    ],
    ['{{range .Name}}{{end}}', 'template: :1:8: executing "" at <.Name>: range can\'t iterate over mynet'],
    ['{{.Label}}', 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0'],
    ['{{.Label "boom"}}', 'template: :1:2: executing "" at <.Label>: error calling Label: no such label'],
    [
      '{{.Name "x"}}',
      'template: :1:2: executing "" at <.Name>: Name has arguments but cannot be invoked as function',
    ],
    ['{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command'],
    [
      '{{template "nope"}}',
      'template: :1:11: executing "" at <{{template "nope"}}>: template "nope" not defined',
    ],
    ['{{1 2}}', 'template: :1:2: executing "" at <1>: can\'t give argument to non-function 1'],
    ['{{len 3}}', 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
    [
      'x\n  {{.Nope}}',
      'template: :2:4: executing "" at <.Nope>: can\'t evaluate field Nope in type types.NetworkResource',
    ],
    [
      '{{define "T"}}{{.Q}}{{end}}{{template "T" .}}',
      'template: :1:16: executing "T" at <.Q>: can\'t evaluate field Q in type types.NetworkResource',
    ],
  ])('%s', (text, want) => {
    expect(fails(text)).toBe(want);
  });
  it('stops at the first error without partial output', () => {
    expect(() => run('ok {{.Nope}}')).toThrow(TemplateError);
  });
});
