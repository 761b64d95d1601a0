-- test/data/national.sql — a national-size poverty_aid register, generated.
--
-- The shape of the 2014 national register at scale 1: 22 provinces, 832
-- designated poverty counties, 128,000 poor villages, 29.2 million poor
-- households (about 29.5 million household periods: one in a hundred fell
-- back into poverty and has a second period) holding 89.62 million people,
-- with incomes, pairings, funds, transfers, projects, jobs and purchases in
-- proportion.  The counties exit in the official batches (28 in 2016, 125 in
-- 2017, 283 in 2018, 344 in 2019 and 52 in 2020); 334 of them are deeply poor.
--
--     psql -d DB -v scale=0.01 -f test/data/national.sql
--
-- loads into a database where CREATE EXTENSION poverty_aid CASCADE ran and
-- whose register is still empty; without -v scale the scale is 1.  The scale
-- multiplies villages, households, people and everything attached to them;
-- the region tree above the villages (22 provinces, their prefectures, 832
-- counties), the county listings and the counties' fiscal fund plans do not
-- change with it, and every county keeps at least one poor village (so below
-- scale 0.0065 there are 832 poor villages).  Scale 0.01 loads in one to
-- two minutes on a 2-core machine; see docs/national-scale.md for load
-- times and sizes.
--
-- Deterministic: every "random" choice is a hash of a code or a row number
-- (md5 for the small tables, hashint8extended for the big ones), so a scale
-- always gives the same rows.  Totals are shared out with cumulative rounding
-- so they add up exactly; the last statements check the loaded rows with
-- plain SQL (no extension aggregates) against the planned figures and abort
-- the load when one is off.
--
-- Codes: provinces, prefectures and counties are real GB/T 2260 codes in use
-- in 2014 (from the official division code list, public domain, copied
-- below).  Which 832 counties were designated is not in that list: the
-- counties here are picked per province, in the official per-province
-- numbers, by a hash of the code among the county-level units of 2014
-- (counties, banners and county-level cities under a prefecture first, then
-- those directly under the province, then city districts).  The deeply poor
-- counties, the exit batch of each county, townships, villages, households
-- and everything below are generated; names of townships and villages too.
--
-- Speed: set-based INSERT ... SELECT over generate_series.  The household
-- table's exclusion constraint, the foreign keys of the big tables
-- (household, household_income, project_beneficiary, employment) and their
-- indexes other than primary keys are dropped for the bulk inserts and
-- re-created from their own catalogue definitions after them, which checks
-- every row again (as test/data/tianjin_2020.sql does for the household's
-- constraints).  The load runs with row_security = off, as a restore does:
-- the audit trigger then records nothing, so the audit trail does not get
-- 30 million generated rows (only a superuser can load this).

\set ON_ERROR_STOP on
\if :{?scale}
\else
\set scale 1
\endif
SET client_min_messages = warning;
BEGIN;
SET LOCAL row_security = off;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM poverty_aid.region) THEN
    RAISE EXCEPTION 'the poverty_aid register is not empty'
      USING DETAIL = 'test/data/national.sql loads into a database whose poverty_aid tables are empty.',
            HINT = 'Create a fresh database, run CREATE EXTENSION poverty_aid CASCADE, then load the file.';
  END IF;
END
$$;

-- Deterministic "random" numbers in [0, 1): from a text key (md5) for the
-- small tables, from an integer key and a salt (hashint8extended) for the
-- big ones.
CREATE FUNCTION pg_temp.u(key text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0;
CREATE FUNCTION pg_temp.h(key bigint, salt bigint) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (hashint8extended(key, salt) & 2147483647) / 2147483648.0;

-- 0. The plan: every total of the data set, from the scale ------------------
--
-- households: 29,200,000 x scale (first periods); members 89,620,000 x
-- scale; a household's size cycles through 3, 2, 4, 3, 1, 5, 3, 2, 4, 3 (30
-- people every 10 households) and the people left over (extra) are spread
-- one by one with cumulative rounding, so the members add up exactly.
CREATE TEMP TABLE g_param ON COMMIT DROP AS
SELECT s AS scale,
       greatest(832, round(128000 * s))::integer AS poor_villages,
       round(0.8 * greatest(832, round(128000 * s)))::integer AS other_villages,
       round(29200000 * s)::bigint AS households,
       round(89620000 * s)::bigint AS members,
       greatest(60, round(60000 * s))::integer AS enterprises,
       greatest(12, round(12000 * s))::integer AS organisations,
       greatest(40, round(100000 * s))::integer AS cadres,
       greatest(29, round(29000 * s))::integer AS donations,
       greatest(83, round(44000 * s))::integer AS projects,
       greatest(240, round(2400000 * s))::integer AS jobs,
       greatest(832, round(180000 * s))::integer AS sales
FROM (SELECT (:'scale')::numeric AS s) AS p;

DO $$
DECLARE
  p g_param;
BEGIN
  SELECT * INTO p FROM g_param;
  IF p.scale IS NULL OR p.scale <= 0 OR p.scale > 4 THEN
    RAISE EXCEPTION 'scale % is out of range', p.scale
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The scale multiplies the 2014 register (29.2 million households at 1); it must be above 0 and at most 4.',
            HINT = 'Load with psql -v scale=0.01 -f test/data/national.sql.';
  END IF;
  IF p.households < 100 THEN
    RAISE EXCEPTION 'scale % gives only % households', p.scale, p.households
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Every one of the 832 counties needs households; scale 0.0001 (2,920 households) is the smallest.';
  END IF;
END
$$;

-- members(i) of household i (1-based, in village-code order), and the
-- members of households 1..n: base(n) + the share of the extra people.
CREATE TEMP TABLE g_size ON COMMIT DROP AS
SELECT p.households, p.members,
       p.members - (30 * (p.households / 10) + (ARRAY[0, 3, 5, 9, 12, 13, 18, 21, 23, 27])[(p.households % 10)::integer + 1]) AS extra
FROM g_param p;
CREATE FUNCTION pg_temp.people_upto(n bigint, households bigint, extra bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN 30 * (n / 10) + (ARRAY[0, 3, 5, 9, 12, 13, 18, 21, 23, 27])[(n % 10)::integer + 1]
         + (extra * n) / households;
CREATE FUNCTION pg_temp.members(i bigint, households bigint, extra bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ((ARRAY[3, 2, 4, 3, 1, 5, 3, 2, 4, 3])[((i - 1) % 10)::integer + 1]
          + (extra * i) / households - (extra * (i - 1)) / households)::integer;

-- 1. Regions -----------------------------------------------------------------

CREATE TEMP TABLE g_province (code2 text PRIMARY KEY, name text NOT NULL) ON COMMIT DROP;
CREATE TEMP TABLE g_prefecture (code6 text PRIMARY KEY, name text NOT NULL) ON COMMIT DROP;
CREATE TEMP TABLE g_county (code6 text PRIMARY KEY, name text NOT NULL) ON COMMIT DROP;
-- Names as in the division code list; 469000 and 500200 (Hainan's counties
-- under the province, Chongqing's counties) are not units of their own there
-- and are named here.
INSERT INTO g_province (code2, name) VALUES
  ('13', '河北省'),
  ('14', '山西省'),
  ('15', '内蒙古自治区'),
  ('22', '吉林省'),
  ('23', '黑龙江省'),
  ('34', '安徽省'),
  ('36', '江西省'),
  ('41', '河南省'),
  ('42', '湖北省'),
  ('43', '湖南省'),
  ('45', '广西壮族自治区'),
  ('46', '海南省'),
  ('50', '重庆市'),
  ('51', '四川省'),
  ('52', '贵州省'),
  ('53', '云南省'),
  ('54', '西藏自治区'),
  ('61', '陕西省'),
  ('62', '甘肃省'),
  ('63', '青海省'),
  ('64', '宁夏回族自治区'),
  ('65', '新疆维吾尔自治区');
INSERT INTO g_prefecture (code6, name) VALUES
  ('130100', '石家庄市'), ('130200', '唐山市'), ('130300', '秦皇岛市'), ('130400', '邯郸市'),
  ('130500', '邢台市'), ('130600', '保定市'), ('130700', '张家口市'), ('130800', '承德市'),
  ('130900', '沧州市'), ('131100', '衡水市'), ('140100', '太原市'), ('140200', '大同市'),
  ('140300', '阳泉市'), ('140400', '长治市'), ('140500', '晋城市'), ('140700', '晋中市'),
  ('140800', '运城市'), ('140900', '忻州市'), ('141000', '临汾市'), ('141100', '吕梁市'),
  ('150100', '呼和浩特市'), ('150200', '包头市'), ('150400', '赤峰市'), ('150500', '通辽市'),
  ('150600', '鄂尔多斯市'), ('150700', '呼伦贝尔市'), ('150800', '巴彦淖尔市'), ('150900', '乌兰察布市'),
  ('152200', '兴安盟'), ('152500', '锡林郭勒盟'), ('152900', '阿拉善盟'), ('220100', '长春市'),
  ('220200', '吉林市'), ('220300', '四平市'), ('220800', '白城市'), ('222400', '延边朝鲜族自治州'),
  ('230100', '哈尔滨市'), ('230200', '齐齐哈尔市'), ('230300', '鸡西市'), ('230500', '双鸭山市'),
  ('230600', '大庆市'), ('230800', '佳木斯市'), ('231000', '牡丹江市'), ('231100', '黑河市'),
  ('231200', '绥化市'), ('232700', '大兴安岭地区'), ('340100', '合肥市'), ('340200', '芜湖市'),
  ('340400', '淮南市'), ('340500', '马鞍山市'), ('340600', '淮北市'), ('340700', '铜陵市'),
  ('340800', '安庆市'), ('341100', '滁州市'), ('341200', '阜阳市'), ('341300', '宿州市'),
  ('341500', '六安市'), ('341600', '亳州市'), ('341700', '池州市'), ('360300', '萍乡市'),
  ('360400', '九江市'), ('360700', '赣州市'), ('360800', '吉安市'), ('360900', '宜春市'),
  ('361000', '抚州市'), ('361100', '上饶市'), ('410100', '郑州市'), ('410200', '开封市'),
  ('410300', '洛阳市'), ('410400', '平顶山市'), ('410500', '安阳市'), ('410700', '新乡市'),
  ('410800', '焦作市'), ('410900', '濮阳市'), ('411000', '许昌市'), ('411200', '三门峡市'),
  ('411300', '南阳市'), ('411400', '商丘市'), ('411500', '信阳市'), ('411600', '周口市'),
  ('411700', '驻马店市'), ('420200', '黄石市'), ('420300', '十堰市'), ('420500', '宜昌市'),
  ('420600', '襄阳市'), ('420800', '荆门市'), ('420900', '孝感市'), ('421000', '荆州市'),
  ('421100', '黄冈市'), ('421200', '咸宁市'), ('421300', '随州市'), ('422800', '恩施土家族苗族自治州'),
  ('430200', '株洲市'), ('430300', '湘潭市'), ('430400', '衡阳市'), ('430500', '邵阳市'),
  ('430600', '岳阳市'), ('430700', '常德市'), ('430800', '张家界市'), ('430900', '益阳市'),
  ('431000', '郴州市'), ('431100', '永州市'), ('431200', '怀化市'), ('433100', '湘西土家族苗族自治州'),
  ('450100', '南宁市'), ('450200', '柳州市'), ('450300', '桂林市'), ('450400', '梧州市'),
  ('450600', '防城港市'), ('450800', '贵港市'), ('450900', '玉林市'), ('451000', '百色市'),
  ('451100', '贺州市'), ('451200', '河池市'), ('451300', '来宾市'), ('451400', '崇左市'),
  ('469000', '海南省直辖县级行政区划'), ('500200', '重庆市县'), ('510100', '成都市'), ('510300', '自贡市'),
  ('510500', '泸州市'), ('510600', '德阳市'), ('510700', '绵阳市'), ('510800', '广元市'),
  ('510900', '遂宁市'), ('511000', '内江市'), ('511100', '乐山市'), ('511300', '南充市'),
  ('511400', '眉山市'), ('511500', '宜宾市'), ('511600', '广安市'), ('511700', '达州市'),
  ('511800', '雅安市'), ('511900', '巴中市'), ('512000', '资阳市'), ('513200', '阿坝藏族羌族自治州'),
  ('513300', '甘孜藏族自治州'), ('513400', '凉山彝族自治州'), ('520100', '贵阳市'), ('520200', '六盘水市'),
  ('520300', '遵义市'), ('520400', '安顺市'), ('520500', '毕节市'), ('520600', '铜仁市'),
  ('522300', '黔西南布依族苗族自治州'), ('522600', '黔东南苗族侗族自治州'), ('522700', '黔南布依族苗族自治州'), ('530100', '昆明市'),
  ('530300', '曲靖市'), ('530400', '玉溪市'), ('530500', '保山市'), ('530600', '昭通市'),
  ('530700', '丽江市'), ('530800', '普洱市'), ('530900', '临沧市'), ('532300', '楚雄彝族自治州'),
  ('532500', '红河哈尼族彝族自治州'), ('532600', '文山壮族苗族自治州'), ('532800', '西双版纳傣族自治州'), ('532900', '大理白族自治州'),
  ('533100', '德宏傣族景颇族自治州'), ('533300', '怒江傈僳族自治州'), ('533400', '迪庆藏族自治州'), ('540100', '拉萨市'),
  ('540200', '日喀则市'), ('540300', '昌都市'), ('542200', '山南地区'), ('542400', '那曲地区'),
  ('542500', '阿里地区'), ('542600', '林芝地区'), ('610100', '西安市'), ('610200', '铜川市'),
  ('610300', '宝鸡市'), ('610400', '咸阳市'), ('610500', '渭南市'), ('610600', '延安市'),
  ('610700', '汉中市'), ('610800', '榆林市'), ('610900', '安康市'), ('611000', '商洛市'),
  ('620100', '兰州市'), ('620300', '金昌市'), ('620400', '白银市'), ('620500', '天水市'),
  ('620600', '武威市'), ('620700', '张掖市'), ('620800', '平凉市'), ('620900', '酒泉市'),
  ('621000', '庆阳市'), ('621100', '定西市'), ('621200', '陇南市'), ('622900', '临夏回族自治州'),
  ('623000', '甘南藏族自治州'), ('630100', '西宁市'), ('630200', '海东市'), ('632200', '海北藏族自治州'),
  ('632300', '黄南藏族自治州'), ('632500', '海南藏族自治州'), ('632600', '果洛藏族自治州'), ('632700', '玉树藏族自治州'),
  ('632800', '海西蒙古族藏族自治州'), ('640100', '银川市'), ('640200', '石嘴山市'), ('640300', '吴忠市'),
  ('640400', '固原市'), ('652100', '吐鲁番地区'), ('652200', '哈密地区'), ('652300', '昌吉回族自治州'),
  ('652700', '博尔塔拉蒙古自治州'), ('652800', '巴音郭楞蒙古自治州'), ('652900', '阿克苏地区'), ('653000', '克孜勒苏柯尔克孜自治州'),
  ('653100', '喀什地区'), ('653200', '和田地区'), ('654000', '伊犁哈萨克自治州'), ('654200', '塔城地区'),
  ('654300', '阿勒泰地区');
INSERT INTO g_county (code6, name) VALUES
  ('130125', '行唐县'), ('130130', '无极县'), ('130133', '赵县'), ('130229', '玉田县'), ('130323', '抚宁县'),
  ('130423', '临漳县'), ('130424', '成安县'), ('130425', '大名县'), ('130429', '永年县'), ('130525', '隆尧县'),
  ('130528', '宁晋县'), ('130530', '新河县'), ('130532', '平乡县'), ('130533', '威县'), ('130581', '南宫市'),
  ('130621', '满城县'), ('130622', '清苑县'), ('130623', '涞水县'), ('130624', '阜平县'), ('130628', '高阳县'),
  ('130632', '安新县'), ('130638', '雄县'), ('130681', '涿州市'), ('130684', '高碑店市'), ('130723', '康保县'),
  ('130724', '沽源县'), ('130726', '蔚县'), ('130727', '阳原县'), ('130729', '万全县'), ('130730', '怀来县'),
  ('130732', '赤城县'), ('130821', '承德县'), ('130822', '兴隆县'), ('130827', '宽城满族自治县'), ('130921', '沧县'),
  ('130922', '青县'), ('130926', '肃宁县'), ('130929', '献县'), ('130930', '孟村回族自治县'), ('130984', '河间市'),
  ('131123', '武强县'), ('131124', '饶阳县'), ('131125', '安平县'), ('131127', '景县'), ('131128', '阜城县'),
  ('140122', '阳曲县'), ('140123', '娄烦县'), ('140223', '广灵县'), ('140224', '灵丘县'), ('140225', '浑源县'),
  ('140226', '左云县'), ('140321', '平定县'), ('140421', '长治县'), ('140423', '襄垣县'), ('140426', '黎城县'),
  ('140427', '壶关县'), ('140429', '武乡县'), ('140430', '沁县'), ('140431', '沁源县'), ('140521', '沁水县'),
  ('140524', '陵川县'), ('140525', '泽州县'), ('140722', '左权县'), ('140725', '寿阳县'), ('140727', '祁县'),
  ('140781', '介休市'), ('140822', '万荣县'), ('140882', '河津市'), ('140921', '定襄县'), ('140923', '代县'),
  ('140926', '静乐县'), ('140929', '岢岚县'), ('140930', '河曲县'), ('140931', '保德县'), ('141021', '曲沃县'),
  ('141022', '翼城县'), ('141023', '襄汾县'), ('141025', '古县'), ('141121', '文水县'), ('141125', '柳林县'),
  ('141126', '石楼县'), ('150123', '和林格尔县'), ('150125', '武川县'), ('150221', '土默特右旗'), ('150425', '克什克腾旗'),
  ('150426', '翁牛特旗'), ('150428', '喀喇沁旗'), ('150430', '敖汉旗'), ('150522', '科尔沁左翼后旗'), ('150524', '库伦旗'),
  ('150525', '奈曼旗'), ('150621', '达拉特旗'), ('150624', '鄂托克旗'), ('150721', '阿荣旗'), ('150723', '鄂伦春自治旗'),
  ('150724', '鄂温克族自治旗'), ('150824', '乌拉特中旗'), ('150925', '凉城县'), ('150926', '察哈尔右翼前旗'), ('150928', '察哈尔右翼后旗'),
  ('152201', '乌兰浩特市'), ('152202', '阿尔山市'), ('152222', '科尔沁右翼中旗'), ('152224', '突泉县'), ('152502', '锡林浩特市'),
  ('152522', '阿巴嘎旗'), ('152524', '苏尼特右旗'), ('152527', '太仆寺旗'), ('152528', '镶黄旗'), ('152531', '多伦县'),
  ('152922', '阿拉善右旗'), ('152923', '额济纳旗'), ('220122', '农安县'), ('220182', '榆树市'), ('220281', '蛟河市'),
  ('220282', '桦甸市'), ('220322', '梨树县'), ('220381', '公主岭市'), ('220882', '大安市'), ('222405', '龙井市'),
  ('230124', '方正县'), ('230126', '巴彦县'), ('230127', '木兰县'), ('230129', '延寿县'), ('230223', '依安县'),
  ('230231', '拜泉县'), ('230382', '密山市'), ('230524', '饶河县'), ('230621', '肇州县'), ('230623', '林甸县'),
  ('230822', '桦南县'), ('230826', '桦川县'), ('230881', '同江市'), ('231025', '林口县'), ('231181', '北安市'),
  ('231221', '望奎县'), ('231223', '青冈县'), ('231281', '安达市'), ('231282', '肇东市'), ('232721', '呼玛县'),
  ('340121', '长丰县'), ('340223', '南陵县'), ('340421', '凤台县'), ('340522', '含山县'), ('340523', '和县'),
  ('340621', '濉溪县'), ('340721', '铜陵县'), ('340823', '枞阳县'), ('340825', '太湖县'), ('340826', '宿松县'),
  ('340827', '望江县'), ('340881', '桐城市'), ('341124', '全椒县'), ('341126', '凤阳县'), ('341225', '阜南县'),
  ('341321', '砀山县'), ('341323', '灵璧县'), ('341522', '霍邱县'), ('341623', '利辛县'), ('341723', '青阳县'),
  ('360323', '芦溪县'), ('360421', '九江县'), ('360425', '永修县'), ('360429', '湖口县'), ('360430', '彭泽县'),
  ('360481', '瑞昌市'), ('360482', '共青城市'), ('360721', '赣县'), ('360727', '龙南县'), ('360729', '全南县'),
  ('360730', '宁都县'), ('360735', '石城县'), ('360781', '瑞金市'), ('360823', '峡江县'), ('360828', '万安县'),
  ('360830', '永新县'), ('360923', '上高县'), ('360982', '樟树市'), ('361023', '南丰县'), ('361029', '东乡县'),
  ('361122', '广丰县'), ('361125', '横峰县'), ('361126', '弋阳县'), ('361130', '婺源县'), ('410122', '中牟县'),
  ('410183', '新密市'), ('410221', '杞县'), ('410222', '通许县'), ('410323', '新安县'), ('410326', '汝阳县'),
  ('410327', '宜阳县'), ('410422', '叶县'), ('410423', '鲁山县'), ('410523', '汤阴县'), ('410725', '原阳县'),
  ('410822', '博爱县'), ('410825', '温县'), ('410882', '沁阳市'), ('410923', '南乐县'), ('410928', '濮阳县'),
  ('411025', '襄城县'), ('411082', '长葛市'), ('411224', '卢氏县'), ('411282', '灵宝市'), ('411324', '镇平县'),
  ('411325', '内乡县'), ('411327', '社旗县'), ('411330', '桐柏县'), ('411381', '邓州市'), ('411421', '民权县'),
  ('411423', '宁陵县'), ('411424', '柘城县'), ('411426', '夏邑县'), ('411522', '光山县'), ('411523', '新县'),
  ('411524', '商城县'), ('411528', '息县'), ('411622', '西华县'), ('411627', '太康县'), ('411724', '正阳县'),
  ('411725', '确山县'), ('411726', '泌阳县'), ('420222', '阳新县'), ('420281', '大冶市'), ('420322', '郧西县'),
  ('420581', '宜都市'), ('420583', '枝江市'), ('420624', '南漳县'), ('420625', '谷城县'), ('420682', '老河口市'),
  ('420684', '宜城市'), ('420822', '沙洋县'), ('420922', '大悟县'), ('420923', '云梦县'), ('421022', '公安县'),
  ('421024', '江陵县'), ('421083', '洪湖市'), ('421087', '松滋市'), ('421121', '团风县'), ('421125', '浠水县'),
  ('421127', '黄梅县'), ('421181', '麻城市'), ('421221', '嘉鱼县'), ('421222', '通城县'), ('421223', '崇阳县'),
  ('421224', '通山县'), ('421281', '赤壁市'), ('421381', '广水市'), ('422801', '恩施市'), ('422826', '咸丰县'),
  ('430224', '茶陵县'), ('430281', '醴陵市'), ('430381', '湘乡市'), ('430382', '韶山市'), ('430422', '衡南县'),
  ('430424', '衡东县'), ('430426', '祁东县'), ('430481', '耒阳市'), ('430482', '常宁市'), ('430524', '隆回县'),
  ('430528', '新宁县'), ('430529', '城步苗族自治县'), ('430623', '华容县'), ('430626', '平江县'), ('430681', '汨罗市'),
  ('430682', '临湘市'), ('430721', '安乡县'), ('430723', '澧县'), ('430725', '桃源县'), ('430726', '石门县'),
  ('430781', '津市市'), ('430822', '桑植县'), ('430922', '桃江县'), ('430923', '安化县'), ('431021', '桂阳县'),
  ('431023', '永兴县'), ('431026', '汝城县'), ('431028', '安仁县'), ('431121', '祁阳县'), ('431123', '双牌县'),
  ('431126', '宁远县'), ('431127', '蓝山县'), ('431129', '江华瑶族自治县'), ('431222', '沅陵县'), ('431223', '辰溪县'),
  ('431225', '会同县'), ('431230', '通道侗族自治县'), ('433123', '凤凰县'), ('433126', '古丈县'), ('433130', '龙山县'),
  ('450122', '武鸣县'), ('450221', '柳江县'), ('450222', '柳城县'), ('450223', '鹿寨县'), ('450225', '融水苗族自治县'),
  ('450226', '三江侗族自治县'), ('450321', '阳朔县'), ('450327', '灌阳县'), ('450329', '资源县'), ('450330', '平乐县'),
  ('450421', '苍梧县'), ('450621', '上思县'), ('450821', '平南县'), ('450881', '桂平市'), ('450921', '容县'),
  ('451022', '田东县'), ('451023', '平果县'), ('451024', '德保县'), ('451025', '靖西县'), ('451029', '田林县'),
  ('451031', '隆林各族自治县'), ('451122', '钟山县'), ('451123', '富川瑶族自治县'), ('451221', '南丹县'), ('451224', '东兰县'),
  ('451226', '环江毛南族自治县'), ('451227', '巴马瑶族自治县'), ('451322', '象州县'), ('451323', '武宣县'), ('451324', '金秀瑶族自治县'),
  ('451424', '大新县'), ('451425', '天等县'), ('451481', '凭祥市'), ('469003', '儋州市'), ('469005', '文昌市'),
  ('469006', '万宁市'), ('469024', '临高县'), ('469029', '保亭黎族苗族自治县'), ('500223', '潼南县'), ('500228', '梁平县'),
  ('500229', '城口县'), ('500230', '丰都县'), ('500231', '垫江县'), ('500232', '武隆县'), ('500233', '忠县'),
  ('500234', '开县'), ('500235', '云阳县'), ('500236', '奉节县'), ('500237', '巫山县'), ('500238', '巫溪县'),
  ('500241', '秀山土家族苗族自治县'), ('500243', '彭水苗族土家族自治县'), ('510122', '双流县'), ('510129', '大邑县'), ('510132', '新津县'),
  ('510322', '富顺县'), ('510521', '泸县'), ('510522', '合江县'), ('510524', '叙永县'), ('510525', '古蔺县'),
  ('510623', '中江县'), ('510626', '罗江县'), ('510681', '广汉市'), ('510683', '绵竹市'), ('510723', '盐亭县'),
  ('510727', '平武县'), ('510781', '江油市'), ('510823', '剑阁县'), ('510922', '射洪县'), ('511025', '资中县'),
  ('511123', '犍为县'), ('511124', '井研县'), ('511129', '沐川县'), ('511181', '峨眉山市'), ('511322', '营山县'),
  ('511381', '阆中市'), ('511423', '洪雅县'), ('511523', '江安县'), ('511525', '高县'), ('511526', '珙县'),
  ('511529', '屏山县'), ('511621', '岳池县'), ('511622', '武胜县'), ('511623', '邻水县'), ('511722', '宣汉县'),
  ('511725', '渠县'), ('511822', '荥经县'), ('511823', '汉源县'), ('511826', '芦山县'), ('511921', '通江县'),
  ('511922', '南江县'), ('511923', '平昌县'), ('512021', '安岳县'), ('513221', '汶川县'), ('513225', '九寨沟县'),
  ('513227', '小金县'), ('513231', '阿坝县'), ('513232', '若尔盖县'), ('513233', '红原县'), ('513322', '泸定县'),
  ('513323', '丹巴县'), ('513324', '九龙县'), ('513328', '甘孜县'), ('513331', '白玉县'), ('513332', '石渠县'),
  ('513333', '色达县'), ('513334', '理塘县'), ('513335', '巴塘县'), ('513338', '得荣县'), ('513422', '木里藏族自治县'),
  ('513424', '德昌县'), ('513426', '会东县'), ('513427', '宁南县'), ('513429', '布拖县'), ('513430', '金阳县'),
  ('513433', '冕宁县'), ('513434', '越西县'), ('513437', '雷波县'), ('520121', '开阳县'), ('520122', '息烽县'),
  ('520123', '修文县'), ('520181', '清镇市'), ('520221', '水城县'), ('520222', '盘县'), ('520321', '遵义县'),
  ('520322', '桐梓县'), ('520324', '正安县'), ('520326', '务川仡佬族苗族自治县'), ('520327', '凤冈县'), ('520328', '湄潭县'),
  ('520329', '余庆县'), ('520330', '习水县'), ('520381', '赤水市'), ('520382', '仁怀市'), ('520422', '普定县'),
  ('520423', '镇宁布依族苗族自治县'), ('520424', '关岭布依族苗族自治县'), ('520425', '紫云苗族布依族自治县'), ('520521', '大方县'), ('520522', '黔西县'),
  ('520523', '金沙县'), ('520524', '织金县'), ('520525', '纳雍县'), ('520526', '威宁彝族回族苗族自治县'), ('520527', '赫章县'),
  ('520621', '江口县'), ('520622', '玉屏侗族自治县'), ('520623', '石阡县'), ('520624', '思南县'), ('520625', '印江土家族苗族自治县'),
  ('520626', '德江县'), ('520627', '沿河土家族自治县'), ('520628', '松桃苗族自治县'), ('522301', '兴义市'), ('522322', '兴仁县'),
  ('522323', '普安县'), ('522324', '晴隆县'), ('522325', '贞丰县'), ('522326', '望谟县'), ('522327', '册亨县'),
  ('522622', '黄平县'), ('522623', '施秉县'), ('522624', '三穗县'), ('522625', '镇远县'), ('522626', '岑巩县'),
  ('522627', '天柱县'), ('522628', '锦屏县'), ('522629', '剑河县'), ('522630', '台江县'), ('522631', '黎平县'),
  ('522633', '从江县'), ('522635', '麻江县'), ('522636', '丹寨县'), ('522701', '都匀市'), ('522702', '福泉市'),
  ('522722', '荔波县'), ('522723', '贵定县'), ('522725', '瓮安县'), ('522726', '独山县'), ('522728', '罗甸县'),
  ('522729', '长顺县'), ('522730', '龙里县'), ('522731', '惠水县'), ('522732', '三都水族自治县'), ('530124', '富民县'),
  ('530125', '宜良县'), ('530126', '石林彝族自治县'), ('530127', '嵩明县'), ('530128', '禄劝彝族苗族自治县'), ('530129', '寻甸回族彝族自治县'),
  ('530322', '陆良县'), ('530323', '师宗县'), ('530326', '会泽县'), ('530328', '沾益县'), ('530421', '江川县'),
  ('530423', '通海县'), ('530424', '华宁县'), ('530425', '易门县'), ('530427', '新平彝族傣族自治县'), ('530428', '元江哈尼族彝族傣族自治县'),
  ('530521', '施甸县'), ('530522', '腾冲县'), ('530523', '龙陵县'), ('530524', '昌宁县'), ('530621', '鲁甸县'),
  ('530622', '巧家县'), ('530623', '盐津县'), ('530624', '大关县'), ('530626', '绥江县'), ('530627', '镇雄县'),
  ('530628', '彝良县'), ('530629', '威信县'), ('530721', '玉龙纳西族自治县'), ('530723', '华坪县'), ('530724', '宁蒗彝族自治县'),
  ('530821', '宁洱哈尼族彝族自治县'), ('530822', '墨江哈尼族自治县'), ('530823', '景东彝族自治县'), ('530825', '镇沅彝族哈尼族拉祜族自治县'), ('530826', '江城哈尼族彝族自治县'),
  ('530827', '孟连傣族拉祜族佤族自治县'), ('530829', '西盟佤族自治县'), ('530921', '凤庆县'), ('530922', '云县'), ('530923', '永德县'),
  ('530924', '镇康县'), ('530926', '耿马傣族佤族自治县'), ('530927', '沧源佤族自治县'), ('532301', '楚雄市'), ('532323', '牟定县'),
  ('532324', '南华县'), ('532325', '姚安县'), ('532326', '大姚县'), ('532327', '永仁县'), ('532328', '元谋县'),
  ('532329', '武定县'), ('532331', '禄丰县'), ('532501', '个旧市'), ('532502', '开远市'), ('532504', '弥勒市'),
  ('532523', '屏边苗族自治县'), ('532524', '建水县'), ('532525', '石屏县'), ('532527', '泸西县'), ('532528', '元阳县'),
  ('532531', '绿春县'), ('532601', '文山市'), ('532622', '砚山县'), ('532625', '马关县'), ('532626', '丘北县'),
  ('532627', '广南县'), ('532628', '富宁县'), ('532801', '景洪市'), ('532901', '大理市'), ('532922', '漾濞彝族自治县'),
  ('532923', '祥云县'), ('532924', '宾川县'), ('532926', '南涧彝族自治县'), ('532928', '永平县'), ('532929', '云龙县'),
  ('532930', '洱源县'), ('532931', '剑川县'), ('532932', '鹤庆县'), ('533102', '瑞丽市'), ('533103', '芒市'),
  ('533123', '盈江县'), ('533124', '陇川县'), ('533321', '泸水县'), ('533323', '福贡县'), ('533401', '香格里拉市'),
  ('533422', '德钦县'), ('533423', '维西傈僳族自治县'), ('540102', '城关区'), ('540121', '林周县'), ('540122', '当雄县'),
  ('540123', '尼木县'), ('540124', '曲水县'), ('540125', '堆龙德庆县'), ('540126', '达孜县'), ('540127', '墨竹工卡县'),
  ('540202', '桑珠孜区'), ('540221', '南木林县'), ('540222', '江孜县'), ('540223', '定日县'), ('540224', '萨迦县'),
  ('540225', '拉孜县'), ('540226', '昂仁县'), ('540227', '谢通门县'), ('540228', '白朗县'), ('540229', '仁布县'),
  ('540230', '康马县'), ('540231', '定结县'), ('540232', '仲巴县'), ('540233', '亚东县'), ('540234', '吉隆县'),
  ('540235', '聂拉木县'), ('540236', '萨嘎县'), ('540237', '岗巴县'), ('540302', '卡若区'), ('540321', '江达县'),
  ('540322', '贡觉县'), ('540323', '类乌齐县'), ('540324', '丁青县'), ('540325', '察雅县'), ('540326', '八宿县'),
  ('540327', '左贡县'), ('540328', '芒康县'), ('540329', '洛隆县'), ('540330', '边坝县'), ('542221', '乃东县'),
  ('542222', '扎囊县'), ('542223', '贡嘎县'), ('542224', '桑日县'), ('542225', '琼结县'), ('542226', '曲松县'),
  ('542227', '措美县'), ('542228', '洛扎县'), ('542229', '加查县'), ('542231', '隆子县'), ('542232', '错那县'),
  ('542233', '浪卡子县'), ('542421', '那曲县'), ('542422', '嘉黎县'), ('542423', '比如县'), ('542424', '聂荣县'),
  ('542425', '安多县'), ('542426', '申扎县'), ('542427', '索县'), ('542428', '班戈县'), ('542429', '巴青县'),
  ('542430', '尼玛县'), ('542431', '双湖县'), ('542521', '普兰县'), ('542522', '札达县'), ('542523', '噶尔县'),
  ('542524', '日土县'), ('542525', '革吉县'), ('542526', '改则县'), ('542527', '措勤县'), ('542621', '林芝县'),
  ('542622', '工布江达县'), ('542623', '米林县'), ('542624', '墨脱县'), ('542625', '波密县'), ('542626', '察隅县'),
  ('542627', '朗县'), ('610124', '周至县'), ('610125', '户县'), ('610222', '宜君县'), ('610323', '岐山县'),
  ('610324', '扶风县'), ('610326', '眉县'), ('610327', '陇县'), ('610329', '麟游县'), ('610330', '凤县'),
  ('610331', '太白县'), ('610422', '三原县'), ('610423', '泾阳县'), ('610424', '乾县'), ('610425', '礼泉县'),
  ('610426', '永寿县'), ('610427', '彬县'), ('610428', '长武县'), ('610431', '武功县'), ('610481', '兴平市'),
  ('610521', '华县'), ('610522', '潼关县'), ('610523', '大荔县'), ('610524', '合阳县'), ('610525', '澄城县'),
  ('610527', '白水县'), ('610528', '富平县'), ('610581', '韩城市'), ('610582', '华阴市'), ('610624', '安塞县'),
  ('610625', '志丹县'), ('610627', '甘泉县'), ('610629', '洛川县'), ('610631', '黄龙县'), ('610721', '南郑县'),
  ('610722', '城固县'), ('610725', '勉县'), ('610728', '镇巴县'), ('610729', '留坝县'), ('610730', '佛坪县'),
  ('610821', '神木县'), ('610822', '府谷县'), ('610823', '横山县'), ('610824', '靖边县'), ('610825', '定边县'),
  ('610826', '绥德县'), ('610827', '米脂县'), ('610829', '吴堡县'), ('610830', '清涧县'), ('610921', '汉阴县'),
  ('610924', '紫阳县'), ('610926', '平利县'), ('610927', '镇坪县'), ('610928', '旬阳县'), ('611021', '洛南县'),
  ('611024', '山阳县'), ('611025', '镇安县'), ('620121', '永登县'), ('620122', '皋兰县'), ('620123', '榆中县'),
  ('620321', '永昌县'), ('620422', '会宁县'), ('620423', '景泰县'), ('620521', '清水县'), ('620522', '秦安县'),
  ('620523', '甘谷县'), ('620524', '武山县'), ('620621', '民勤县'), ('620622', '古浪县'), ('620721', '肃南裕固族自治县'),
  ('620722', '民乐县'), ('620723', '临泽县'), ('620724', '高台县'), ('620725', '山丹县'), ('620821', '泾川县'),
  ('620822', '灵台县'), ('620823', '崇信县'), ('620824', '华亭县'), ('620825', '庄浪县'), ('620826', '静宁县'),
  ('620921', '金塔县'), ('620922', '瓜州县'), ('620924', '阿克塞哈萨克族自治县'), ('620981', '玉门市'), ('621021', '庆城县'),
  ('621022', '环县'), ('621023', '华池县'), ('621024', '合水县'), ('621025', '正宁县'), ('621027', '镇原县'),
  ('621121', '通渭县'), ('621122', '陇西县'), ('621123', '渭源县'), ('621124', '临洮县'), ('621125', '漳县'),
  ('621221', '成县'), ('621222', '文县'), ('621223', '宕昌县'), ('621224', '康县'), ('621225', '西和县'),
  ('621226', '礼县'), ('621227', '徽县'), ('621228', '两当县'), ('622901', '临夏市'), ('622921', '临夏县'),
  ('622923', '永靖县'), ('622925', '和政县'), ('622926', '东乡族自治县'), ('622927', '积石山保安族东乡族撒拉族自治县'), ('623001', '合作市'),
  ('623022', '卓尼县'), ('623023', '舟曲县'), ('623025', '玛曲县'), ('623026', '碌曲县'), ('623027', '夏河县'),
  ('630102', '城东区'), ('630103', '城中区'), ('630104', '城西区'), ('630121', '大通回族土族自治县'), ('630122', '湟中县'),
  ('630123', '湟源县'), ('630202', '乐都区'), ('630221', '平安县'), ('630222', '民和回族土族自治县'), ('630223', '互助土族自治县'),
  ('630224', '化隆回族自治县'), ('630225', '循化撒拉族自治县'), ('632221', '门源回族自治县'), ('632222', '祁连县'), ('632223', '海晏县'),
  ('632224', '刚察县'), ('632321', '同仁县'), ('632322', '尖扎县'), ('632323', '泽库县'), ('632324', '河南蒙古族自治县'),
  ('632521', '共和县'), ('632522', '同德县'), ('632523', '贵德县'), ('632524', '兴海县'), ('632525', '贵南县'),
  ('632621', '玛沁县'), ('632622', '班玛县'), ('632623', '甘德县'), ('632624', '达日县'), ('632625', '久治县'),
  ('632626', '玛多县'), ('632701', '玉树市'), ('632722', '杂多县'), ('632723', '称多县'), ('632724', '治多县'),
  ('632725', '囊谦县'), ('632726', '曲麻莱县'), ('632801', '格尔木市'), ('632802', '德令哈市'), ('632821', '乌兰县'),
  ('632822', '都兰县'), ('632823', '天峻县'), ('640122', '贺兰县'), ('640181', '灵武市'), ('640221', '平罗县'),
  ('640323', '盐池县'), ('640381', '青铜峡市'), ('640422', '西吉县'), ('640423', '隆德县'), ('640424', '泾源县'),
  ('652101', '吐鲁番市'), ('652201', '哈密市'), ('652223', '伊吾县'), ('652301', '昌吉市'), ('652302', '阜康市'),
  ('652324', '玛纳斯县'), ('652328', '木垒哈萨克自治县'), ('652723', '温泉县'), ('652823', '尉犁县'), ('652829', '博湖县'),
  ('652922', '温宿县'), ('652923', '库车县'), ('652925', '新和县'), ('652926', '拜城县'), ('652927', '乌什县'),
  ('652929', '柯坪县'), ('653023', '阿合奇县'), ('653124', '泽普县'), ('653129', '伽师县'), ('653130', '巴楚县'),
  ('653221', '和田县'), ('654002', '伊宁市'), ('654004', '霍尔果斯市'), ('654021', '伊宁县'), ('654023', '霍城县'),
  ('654028', '尼勒克县'), ('654201', '塔城市'), ('654221', '额敏县'), ('654225', '裕民县'), ('654226', '和布克赛尔蒙古自治县'),
  ('654301', '阿勒泰市'), ('654326', '吉木乃县');

-- Counties: zone, deep poverty, exit batch and day.  The 334 deeply poor
-- counties are those of the "three areas and three prefectures" first
-- (Tibet, the Tibetan areas of Sichuan, Yunnan, Gansu and Qinghai, the four
-- prefectures of southern Xinjiang, Linxia, Liangshan, Nujiang), then other
-- western counties, by hash.  Batches: counties in order of a hash that
-- deep poverty pushes back; batch Y is announced in the next year (the 2019
-- batch from December 2019, the 2020 batch by 23 November 2020), as the
-- provinces did.
CREATE TEMP TABLE g_county_plan ON COMMIT DROP AS
WITH c AS (
  SELECT c.code6, c.name, substr(c.code6, 1, 4) || '00' AS prefecture6, substr(c.code6, 1, 2) AS province2,
         poverty_aid.region_zone(c.code6) AS zone,
         row_number() OVER (ORDER BY
           CASE WHEN substr(c.code6, 1, 2) IN ('54', '63')
                  OR substr(c.code6, 1, 4) IN ('5132', '5133', '5134', '5333', '5334', '6229', '6230',
                                               '6529', '6530', '6531', '6532') THEN 0
                WHEN poverty_aid.region_zone(c.code6) = 'west' THEN 1 ELSE 2 END,
           pg_temp.u(c.code6 || ':deep')) <= 334 AS deep
  FROM g_county c
), b AS (
  SELECT c.*, row_number() OVER (ORDER BY pg_temp.u(code6 || ':batch') + CASE WHEN deep THEN 0.7 ELSE 0 END, code6) AS n
  FROM c
), batch AS (
  SELECT b.*, CASE WHEN n <= 28 THEN 2016 WHEN n <= 153 THEN 2017 WHEN n <= 436 THEN 2018
                   WHEN n <= 780 THEN 2019 ELSE 2020 END AS batch
  FROM b
)
SELECT code6, name, prefecture6, province2, zone, deep, batch,
       w.first_day + floor((w.last_day - w.first_day + 1) * pg_temp.u(code6 || ':exit'))::integer AS exited_on,
       row_number() OVER (ORDER BY code6) AS ord,
       (CASE WHEN deep THEN 1.4 ELSE 1 END * (0.6 + 0.8 * pg_temp.u(code6 || ':size')))::numeric(12, 9) AS weight
FROM batch
JOIN (VALUES (2016, date '2017-02-27', date '2017-10-31'), (2017, date '2018-02-01', date '2018-10-31'),
             (2018, date '2018-09-29', date '2019-05-31'), (2019, date '2019-12-09', date '2020-05-31'),
             (2020, date '2020-05-17', date '2020-11-23')) AS w (year, first_day, last_day) ON w.year = batch.batch;
ALTER TABLE g_county_plan ADD PRIMARY KEY (code6);

-- Villages per county: one poor village each, the rest of the poor villages
-- and the ordinary villages (which hold registered households too) shared
-- out by the county weights with cumulative rounding; 12 villages to a
-- township.
CREATE TEMP TABLE g_county_villages ON COMMIT DROP AS
WITH w AS (
  SELECT c.code6, c.ord,
         sum(c.weight) OVER (ORDER BY c.ord) AS cum, sum(c.weight) OVER () AS total, c.weight
  FROM g_county_plan c
)
SELECT w.code6,
       (1 + floor((p.poor_villages - 832) * w.cum / w.total) - floor((p.poor_villages - 832) * (w.cum - w.weight) / w.total))::integer AS poor,
       (floor(p.other_villages * w.cum / w.total) - floor(p.other_villages * (w.cum - w.weight) / w.total))::integer AS other
FROM w, g_param p;

-- A poor village exits at the end of a year before its county's exit year,
-- or (three in ten, and every village of a county that exits in 2017) in
-- the weeks before its county.
CREATE TEMP TABLE g_village ON COMMIT DROP AS
WITH v AS (
  SELECT c.code6, c.exited_on AS county_exited_on, cv.poor AS poor_count, k,
         c.code6 || lpad((100 + (k - 1) / 12 + 1)::text, 3, '0') || lpad((200 + (k - 1) % 12 + 1)::text, 3, '0') AS code,
         (k - 1) / 12 + 1 AS township, (k - 1) % 12 + 1 AS village_no
  FROM g_county_plan c JOIN g_county_villages cv USING (code6),
       generate_series(1, cv.poor + cv.other) AS k
), p AS (
  SELECT v.*, row_number() OVER (PARTITION BY code6 ORDER BY pg_temp.u(code || ':poor')) <= poor_count AS poor
  FROM v
)
SELECT code6, code, township, village_no, poor,
       CASE WHEN poor THEN
         CASE WHEN extract(year FROM county_exited_on) <= 2017 OR pg_temp.u(code || ':with_county') < 0.3
              THEN county_exited_on - 1 - floor(40 * pg_temp.u(code || ':days'))::integer
              ELSE make_date(2015 + floor((extract(year FROM county_exited_on) - 2015) * pg_temp.u(code || ':year'))::integer, 12, 31)
         END
       END AS exited_on,
       county_exited_on,
       (CASE WHEN poor THEN 3 ELSE 1 END * (0.6 + 0.8 * pg_temp.u(code || ':weight')))::numeric(12, 9) AS weight,
       CASE WHEN poor THEN 0.22 + 0.23 * pg_temp.u(code || ':rate')
            ELSE 0.04 + 0.05 * pg_temp.u(code || ':rate') END AS baseline_rate
FROM p;
ALTER TABLE g_village ADD PRIMARY KEY (code);

-- Households per village: all households shared out over the villages in
-- code order by weight (cumulative rounding), so village v holds households
-- first_i .. last_i and its baseline people follow from people_upto().
CREATE TEMP TABLE g_village_people ON COMMIT DROP AS
WITH w AS (
  SELECT v.code, v.weight, sum(v.weight) OVER (ORDER BY v.code) AS cum, sum(v.weight) OVER () AS total
  FROM g_village v
), r AS (
  SELECT w.code, floor(s.households * (w.cum - w.weight) / w.total)::bigint + 1 AS first_i,
         floor(s.households * w.cum / w.total)::bigint AS last_i
  FROM w, g_size s
)
SELECT r.code, r.first_i, r.last_i,
       pg_temp.people_upto(r.last_i, s.households, s.extra) - pg_temp.people_upto(r.first_i - 1, s.households, s.extra) AS baseline,
       v.county_exited_on
FROM r JOIN g_village v USING (code), g_size s
ORDER BY r.code;
ALTER TABLE g_village_people ADD PRIMARY KEY (code);

DO $$
BEGIN
  IF (SELECT extra FROM g_size) < 0
     OR (SELECT sum(last_i - first_i + 1) FROM g_village_people) <> (SELECT households FROM g_param)
     OR (SELECT sum(baseline) FROM g_village_people) <> (SELECT members FROM g_param)
     OR (SELECT count(*) FROM g_village WHERE poor) <> (SELECT poor_villages FROM g_param) THEN
    RAISE EXCEPTION 'national generator: the plan does not add up';
  END IF;
END
$$;

INSERT INTO poverty_aid.region (code, name)
  SELECT code2 || '0000000000', name FROM g_province ORDER BY code2;
INSERT INTO poverty_aid.region (code, name)
  SELECT code6 || '000000', name FROM g_prefecture ORDER BY code6;
INSERT INTO poverty_aid.region (code, name)
  SELECT code6 || '000000', name FROM g_county_plan ORDER BY code6;
INSERT INTO poverty_aid.region (code, name)
  SELECT DISTINCT substr(v.code, 1, 9) || '000',
         regexp_replace(c.name, '(自治县|自治旗|县|旗|市|区|特区|林区)$', '') || '第' || v.township || '乡'
  FROM g_village v JOIN g_county_plan c USING (code6)
  ORDER BY 1;
INSERT INTO poverty_aid.region (code, name)
  SELECT v.code, regexp_replace(c.name, '(自治县|自治旗|县|旗|市|区|特区|林区)$', '') || '第' || v.township || '乡第' || v.village_no || '村'
  FROM g_village v JOIN g_county_plan c USING (code6)
  ORDER BY v.code;

-- 2. Poverty listings: the counties as listed in 2012, the poor villages as
-- registered in October 2014.

INSERT INTO poverty_aid.poverty_listing (region_code, listed_on, exited_on, exit_batch, deep_poverty)
  SELECT code6 || '000000', date '2012-03-19', exited_on, batch::text, deep
  FROM g_county_plan ORDER BY code6;
INSERT INTO poverty_aid.poverty_listing (region_code, listed_on, exited_on, exit_batch)
  SELECT code, date '2014-10-17', exited_on, extract(year FROM exited_on)::text
  FROM g_village WHERE poor ORDER BY code;

-- Rural population per village and year (2014-2020, growing by 1% a year),
-- from the village's baseline incidence.
INSERT INTO poverty_aid.region_population (region_code, year, rural_population)
  SELECT v.code, y, round(greatest(ceil(p.baseline / v.baseline_rate), 300) * (1 - 0.01 * (2020 - y)))::bigint
  FROM g_village v JOIN g_village_people p USING (code), generate_series(2014, 2020) AS y
  ORDER BY v.code, y;

-- 3. Households ------------------------------------------------------------
--
-- Household i of village v is registered in 2014 (3% in the 2015 review, 2%
-- in the 2016 one).  Its exit day follows the national curve (of the
-- registered, 80% still poor at the end of 2015, 62% in 2016, 44% in 2017,
-- 24% in 2018, 7% in 2019, none after November 2020), but it is at least 30
-- days after registration and before its county exits.  (Villages exit on
-- their own days: a household may still be poor after its village
-- exited, as happened.)  Every hundredth household (i % 100 = 37)
-- fell back: its first period ends on 2016-12-31 and a second begins on
-- 2018-03-01 and ends between late 2018 and mid-2020.

-- The exclusion constraint that keeps a household's periods from overlapping,
-- the foreign keys of the big tables and their indexes other than primary
-- keys are dropped for the bulk inserts and added back after them, from
-- their own catalogue definitions: one index build (sorted, with parallel
-- workers for a btree) and one validating join per constraint instead of
-- tens of millions of single-row insertions and checks.  Adding them back
-- checks every row.  The household's own indexes come back right after its
-- insert, for the statements that look households up.
CREATE TEMP TABLE g_constraint ON COMMIT DROP AS
  SELECT conrelid::regclass AS tab, conname, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint
  WHERE (conrelid = 'poverty_aid.household'::regclass AND contype IN ('x', 'f'))
     OR (conrelid IN ('poverty_aid.household_income'::regclass, 'poverty_aid.project_beneficiary'::regclass,
                      'poverty_aid.employment'::regclass) AND contype = 'f');
CREATE TEMP TABLE g_index ON COMMIT DROP AS
  SELECT i.indrelid::regclass AS tab, i.indexrelid::regclass AS index_name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  WHERE i.indrelid IN ('poverty_aid.household'::regclass, 'poverty_aid.household_income'::regclass,
                       'poverty_aid.project_beneficiary'::regclass, 'poverty_aid.employment'::regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT tab, conname FROM g_constraint LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tab, c.conname);
  END LOOP;
  FOR c IN SELECT index_name FROM g_index LOOP
    EXECUTE format('DROP INDEX %s', c.index_name);
  END LOOP;
END
$$;

INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on, poverty_cause)
  SELECT hh.household_no, hh.village_code, hh.members,
         CASE WHEN period.n = 2 THEN date '2018-03-01' ELSE hh.registered_on END,
         CASE WHEN period.n = 2 THEN date '2018-03-01' + 200 + floor(650 * pg_temp.h(hh.i, 6))::integer
              WHEN hh.i % 100 = 37 THEN date '2016-12-31'
              ELSE least(greatest(hh.curve_exit, hh.registered_on + 30), hh.county_exited_on - 1)
         END,
         ((ARRAY['illness', 'illness', 'illness', 'illness', 'disability', 'disability',
                 'lack_of_skills', 'lack_of_skills', 'lack_of_labour', 'lack_of_capital',
                 'lack_of_capital', 'schooling', 'disaster', 'lack_of_land', 'lack_of_water',
                 'poor_transport', 'lack_of_motivation', 'other'])
           [1 + floor(18 * pg_temp.h(hh.i, 5))::integer])::poverty_aid.poverty_cause
  FROM (
    -- households in village-code order (the order of g_village_people), so
    -- that the btree indexes grow at their right edge
    SELECT p.code AS village_code, i,
           p.code || '-' || lpad((i - p.first_i + 1)::text, 5, '0') AS household_no,
           pg_temp.members(i, s.households, s.extra) AS members,
           r.registered_on,
           p.county_exited_on, x.curve_exit
    FROM g_village_people p
    CROSS JOIN g_size s
    CROSS JOIN LATERAL generate_series(p.first_i, p.last_i) AS i
    CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.h(i, 1) < 0.03 THEN date '2015-06-30'
                                    WHEN pg_temp.h(i, 1) < 0.05 THEN date '2016-06-30'
                                    ELSE date '2014-04-01' + floor(200 * pg_temp.h(i, 2))::integer END AS registered_on) AS r
    CROSS JOIN LATERAL (SELECT pg_temp.h(i, 4) AS u) AS e
    CROSS JOIN LATERAL (SELECT CASE WHEN e.u < 0.20 THEN date '2015-01-01' + floor(365 * e.u / 0.20)::integer
                                    WHEN e.u < 0.38 THEN date '2016-01-01' + floor(366 * (e.u - 0.20) / 0.18)::integer
                                    WHEN e.u < 0.56 THEN date '2017-01-01' + floor(365 * (e.u - 0.38) / 0.18)::integer
                                    WHEN e.u < 0.76 THEN date '2018-01-01' + floor(365 * (e.u - 0.56) / 0.20)::integer
                                    WHEN e.u < 0.93 THEN date '2019-01-01' + floor(365 * (e.u - 0.76) / 0.17)::integer
                                    ELSE date '2020-01-01' + floor(334 * (e.u - 0.93) / 0.07)::integer END AS curve_exit) AS x
  ) AS hh
  CROSS JOIN LATERAL (VALUES (1), (2)) AS period (n)
  WHERE period.n = 1 OR hh.i % 100 = 37;

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN DELETE FROM g_index WHERE tab = 'poverty_aid.household'::regclass RETURNING definition LOOP
    EXECUTE c.definition;
  END LOOP;
END
$$;
ANALYZE poverty_aid.household;

-- Per-capita income in 2019 for every household period still open in 2017 or
-- later: exited households above the 2019 line, most of those still poor
-- below it (about one in six already above it).
INSERT INTO poverty_aid.poverty_line (year, line) VALUES
  (2011, 2536), (2012, 2625), (2013, 2736), (2014, 2800), (2015, 2855),
  (2016, 2952), (2017, 2952), (2018, 2995), (2019, 3218), (2020, 4000)
  ON CONFLICT (year) DO NOTHING;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT id, 2019,
         round((CASE WHEN exited_on <= date '2019-12-31' THEN 3218 * (1.15 + 1.5 * pg_temp.h(id, 7))
                    WHEN pg_temp.h(id, 8) < 0.16 THEN 3218 * (1.01 + 0.2 * pg_temp.h(id, 7))
                    ELSE 3218 * (0.55 + 0.43 * pg_temp.h(id, 7)) END)::numeric, 2)
  FROM poverty_aid.household
  WHERE exited_on IS NULL OR exited_on > date '2016-12-31';

-- 4. Helpers and pairings ---------------------------------------------------
--
-- 300 districts of the eastern provinces (east-west cooperation; they are
-- not regions of this register, so they have no home region), enterprises
-- and social organisations ("ten thousand enterprises help ten thousand
-- villages"), 500 schools, 333 hospitals and cadres.

INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Eastern District %s People''s Government', lpad(i::text, 3, '0')), 'district', NULL
  FROM generate_series(1, 300) AS i;
INSERT INTO poverty_aid.helper (name, kind)
  SELECT format('%s Co., Ltd. No. %s',
                (ARRAY['Coastal Logistics', 'Eastern Steel', 'Dairy Group', 'Foods', 'Pharma',
                       'Department Store', 'Auto Parts', 'Agriculture', 'Textiles', 'Trading'])[1 + i % 10], i),
         'enterprise'
  FROM g_param, generate_series(1, enterprises) AS i;
INSERT INTO poverty_aid.helper (name, kind)
  SELECT format('%s No. %s', (ARRAY['Charity Federation Branch', 'Red Cross Branch', 'Women''s Federation Chapter',
                                    'Youth Volunteer Association', 'Chamber of Commerce'])[1 + i % 5], i),
         'social_organisation'
  FROM g_param, generate_series(1, organisations) AS i;
INSERT INTO poverty_aid.helper (name, kind)
  SELECT format('Eastern No. %s Middle School', i), 'school' FROM generate_series(1, 500) AS i;
INSERT INTO poverty_aid.helper (name, kind)
  SELECT format('Eastern No. %s Hospital', i), 'hospital' FROM generate_series(1, 333) AS i;
INSERT INTO poverty_aid.helper (name, kind)
  SELECT format('Cadre %s', lpad(i::text, 6, '0')), 'cadre' FROM g_param, generate_series(1, cadres) AS i;

CREATE TEMP TABLE g_helper ON COMMIT DROP AS
  SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) - 1 AS n FROM poverty_aid.helper;
CREATE INDEX ON g_helper (kind, n);
ANALYZE g_helper;

-- Every county is paired with a district from mid-2016 on; one in ten had
-- another district for a year before (an expired pairing).  Schools and
-- hospitals pair with counties from 2017 and 2018.
INSERT INTO poverty_aid.pairing (helper_id, target_region_code, kind, valid_from, valid_to)
  SELECT d.id, c.code6 || '000000', 'district_county'::poverty_aid.pairing_kind, date '2016-06-01', NULL::date
  FROM g_county_plan c JOIN g_helper d ON d.kind = 'district' AND d.n = (c.ord - 1) % 300
  UNION ALL
  SELECT d.id, c.code6 || '000000', 'district_county', date '2015-06-01', date '2016-06-01'
  FROM g_county_plan c JOIN g_helper d ON d.kind = 'district' AND d.n = (c.ord + 149) % 300
  WHERE c.ord % 10 = 3
  UNION ALL
  SELECT h.id, c.code6 || '000000', h.kind::text::poverty_aid.pairing_kind,
         CASE h.kind WHEN 'school' THEN date '2017-03-01' ELSE date '2018-03-01' END, NULL
  FROM g_county_plan c
  JOIN g_helper h ON (h.kind = 'school' AND h.n = (c.ord - 1) % 500) OR (h.kind = 'hospital' AND h.n = (c.ord - 1) % 333)
  ORDER BY 2, 4, 1;

-- Enterprises and social organisations pair with villages: 92% of the poor
-- villages (one or two helpers, from 2016 to 2018 on), four in ten of the
-- others had a pairing that ended in 2019; 5% of the ordinary villages.
WITH e AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
  FROM poverty_aid.helper WHERE kind IN ('enterprise', 'social_organisation')
), v AS (
  SELECT code, poor, row_number() OVER (ORDER BY code) AS vord, p.enterprises + p.organisations AS helpers,
         CASE WHEN poor AND pg_temp.u(code || ':paired') < 0.92 THEN 1 + (pg_temp.u(code || ':pairs') < 0.3)::integer
              WHEN NOT poor AND pg_temp.u(code || ':paired') < 0.05 THEN 1
              ELSE 0 END AS pairs,
         poor AND pg_temp.u(code || ':paired') >= 0.92 AND pg_temp.u(code || ':expired') < 0.4 AS expired
  FROM g_village, g_param p
)
INSERT INTO poverty_aid.pairing (helper_id, target_region_code, kind, valid_from, valid_to)
  SELECT e.id, v.code, 'enterprise_village'::poverty_aid.pairing_kind,
         make_date(2016 + (v.vord % 3)::integer, 1 + (v.vord % 12)::integer, 1), NULL::date
  FROM v CROSS JOIN generate_series(1, v.pairs) AS p
  JOIN e ON e.n = (v.vord * 7 + p * 331) % v.helpers
  UNION ALL
  SELECT e.id, v.code, 'enterprise_village', date '2016-06-01', date '2019-06-01'
  FROM v JOIN e ON e.n = (v.vord * 11) % v.helpers
  WHERE v.expired
  ORDER BY 2, 4, 1;

-- Cadres pair with one household period in 280, for the time it is poor.
WITH c AS (
  SELECT id, n FROM g_helper WHERE kind = 'cadre'
), cadres AS (
  SELECT count(*) AS k FROM c
)
INSERT INTO poverty_aid.pairing (helper_id, target_household_id, kind, valid_from, valid_to)
  SELECT c.id, h.id, 'cadre_household', h.registered_on, h.exited_on
  FROM poverty_aid.household h, cadres
  JOIN c ON true
  WHERE h.id % 280 = 0 AND c.n = (h.id / 280) % cadres.k
    AND (h.exited_on IS NULL OR h.exited_on > h.registered_on)
  ORDER BY h.id;

-- 5. Funds ------------------------------------------------------------------
--
-- Fiscal ("cooperation") plans for every county, 2016-2020: municipal and
-- district funds for industry, infrastructure, education and employment,
-- 1 to 4 million yuan each (whole thousands); the district plans are paid
-- by the county's district.  The municipal plans of 2020 are allocated in
-- January and February.  Donations of enterprises and social organisations
-- go to poor villages.
CREATE TEMP TABLE g_fund ON COMMIT DROP AS
SELECT c.code6 || '000000' AS code, c.ord, y AS year, s AS source, pu AS purpose,
       CASE WHEN s = 'district_fiscal' THEN d.id END AS helper_id,
       CASE WHEN y = 2020 AND s = 'city_fiscal' THEN make_date(2020, 1 + (c.ord % 2)::integer, 10 + (c.ord % 15)::integer)
            ELSE make_date(y, 2 + (c.ord % 3)::integer, 10) END AS allocated_on,
       (1000 + floor(3000 * pg_temp.u(c.code6 || y || s || pu))) * 1000 AS planned
FROM g_county_plan c
JOIN g_helper d ON d.kind = 'district' AND d.n = (c.ord - 1) % 300,
     generate_series(2016, 2020) AS y,
     unnest(ARRAY['city_fiscal', 'district_fiscal']) AS s,
     unnest(ARRAY['industry', 'infrastructure', 'education', 'employment']) AS pu;

CREATE TEMP TABLE g_fund_id ON COMMIT DROP AS
WITH ins AS (
  INSERT INTO poverty_aid.fund (source, helper_id, recipient_region_code, year, purpose, planned, allocated_on, description)
    SELECT source::poverty_aid.fund_source, helper_id, code, year, purpose::poverty_aid.fund_purpose, planned, allocated_on,
           format('%s %s funds for %s', year, replace(source, '_', ' '), purpose)
    FROM g_fund ORDER BY year, code, source, purpose
  RETURNING id, recipient_region_code, year, source, purpose
)
SELECT * FROM ins;
CREATE INDEX ON g_fund_id (recipient_region_code, year, source, purpose);
ANALYZE g_fund_id;

WITH e AS (
  SELECT id, kind, row_number() OVER (ORDER BY id) - 1 AS n
  FROM poverty_aid.helper WHERE kind IN ('enterprise', 'social_organisation')
), v AS (
  SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM g_village WHERE poor
)
INSERT INTO poverty_aid.fund (source, helper_id, recipient_region_code, year, purpose, planned, allocated_on, description)
  SELECT CASE WHEN e.kind = 'enterprise' THEN 'enterprise' ELSE 'social' END::poverty_aid.fund_source,
         e.id, v.code, 2016 + i % 5,
         (ARRAY['industry', 'education', 'health', 'housing', 'other'])[1 + i % 5]::poverty_aid.fund_purpose,
         (20 + floor(480 * pg_temp.h(i, 9))) * 1000,
         make_date(2016 + i % 5, 1 + (i % 3), 1 + (i % 28)),
         'donation'
  FROM g_param CROSS JOIN generate_series(1, donations) AS i
  JOIN e ON e.n = (i * 13) % (enterprises + organisations)
  JOIN v ON v.n = (i * 37) % poor_villages
  ORDER BY i;

-- Money in place: two transfers per plan, 60% of it 20 days after
-- allocation and the rest 90 days after (never after 2020-12-31); plans of
-- 2016-2019 get 90% to 115% of their amount in place, those of 2020 30% to
-- 80%, donations 70% to 100%.
WITH money AS (
  SELECT id, allocated_on,
         round(planned * CASE WHEN source IN ('enterprise', 'social') THEN 0.7 + 0.3 * pg_temp.h(id, 10)
                              WHEN year = 2020 THEN 0.3 + 0.5 * pg_temp.h(id, 10)
                              ELSE 0.9 + 0.25 * pg_temp.h(id, 10) END::numeric, -3) AS in_place
  FROM poverty_aid.fund
)
INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on, note)
  SELECT id, floor(in_place * 0.6 / 1000) * 1000, least(allocated_on + 20, date '2020-12-31'), 'first transfer'
  FROM money
  UNION ALL
  SELECT id, in_place - floor(in_place * 0.6 / 1000) * 1000, least(allocated_on + 90, date '2020-12-31'), 'second transfer'
  FROM money
  ORDER BY 1, 3;

-- 6. Projects, jobs and purchases -------------------------------------------

-- Projects in poor villages, 2016-2020 (a fifth of them each year), each
-- financed by the district industry plan of its county for its year; one in
-- five of the village's households registered by the start benefits.
WITH pv AS (
  SELECT code, code6 || '000000' AS county_code, row_number() OVER (ORDER BY code) - 1 AS n
  FROM g_village WHERE poor
), p AS (
  SELECT i, pv.code, pv.county_code, make_date(2016 + i % 5, 1 + i % 12, 1 + i % 28) AS started_on
  FROM g_param CROSS JOIN generate_series(1, projects) AS i JOIN pv ON pv.n = (i * 97) % poor_villages
)
INSERT INTO poverty_aid.project (name, region_code, fund_id, sector, started_on, completed_on, investment)
  SELECT format('%s project %s', (ARRAY['Cattle breeding', 'Greenhouse vegetables', 'Apple orchard', 'Walnut processing',
                                        'Tea garden', 'Sheep farming', 'Poverty-relief workshop', 'Rural tourism'])[1 + p.i % 8], p.i),
         p.code, f.id,
         (ARRAY['agriculture', 'agriculture', 'processing', 'tourism', 'services'])[1 + p.i % 5],
         p.started_on,
         CASE WHEN p.started_on < date '2020-01-01' THEN p.started_on + 200 + p.i % 150 END,
         (200 + floor(1800 * pg_temp.h(p.i, 11))) * 1000
  FROM p
  LEFT JOIN g_fund_id f ON f.recipient_region_code = p.county_code AND f.year = extract(year FROM p.started_on)
                       AND f.source = 'district_fiscal' AND f.purpose = 'industry'
  ORDER BY p.i;

INSERT INTO poverty_aid.project_beneficiary (project_id, household_id)
  SELECT p.id, h.id
  FROM poverty_aid.project p
  JOIN poverty_aid.household h ON h.village_code = p.region_code
  WHERE h.registered_on <= p.started_on AND h.id % 5 = p.id % 5
  ORDER BY 1, 2;

-- Jobs found by members of registered households, 2016-2020 (a fifth in
-- 2020, up to November), a quarter of them in the eastern pairing city,
-- arranged by the county's district.
WITH hh AS (
  SELECT min(id) AS first_id, count(*) AS periods FROM poverty_aid.household
), jobs AS (
  SELECT i,
         CASE WHEN i % 5 = 0 THEN date '2020-01-01' + (i % 330)::integer
              ELSE make_date(2016 + (i % 4)::integer, 1 + (i / 5 % 12)::integer, 1 + (i % 28)::integer) END AS employed_on,
         (ARRAY['local', 'local', 'pairing_city', 'elsewhere'])[1 + i % 4]::poverty_aid.employment_place AS place,
         hh.first_id + (i * 7919) % hh.periods AS household_id
  FROM g_param, hh, generate_series(1::bigint, jobs) AS i
)
INSERT INTO poverty_aid.employment (household_id, helper_id, employer, place, employed_on, ended_on, monthly_wage)
  SELECT j.household_id,
         CASE WHEN j.place = 'pairing_city' THEN d.id END,
         CASE j.place WHEN 'local' THEN 'Local poverty-relief workshop'
                      WHEN 'pairing_city' THEN 'Employer in the pairing city'
                      ELSE 'Employer elsewhere' END,
         j.place, j.employed_on,
         CASE WHEN j.employed_on < date '2019-01-01' AND j.i % 5 = 1 THEN j.employed_on + 180 END,
         CASE j.place WHEN 'local' THEN 1800 WHEN 'pairing_city' THEN 3600 ELSE 3000 END + (j.i % 9) * 100
  FROM jobs j
  JOIN poverty_aid.household h ON h.id = j.household_id
  JOIN g_county_plan c ON c.code6 = substr(h.village_code, 1, 6)
  JOIN g_helper d ON d.kind = 'district' AND d.n = (c.ord - 1) % 300
  ORDER BY j.i;

-- Purchases of products from the counties (consumption assistance) by
-- districts and enterprises, 2017-2020.
WITH b AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
  FROM poverty_aid.helper WHERE kind IN ('district', 'enterprise')
)
INSERT INTO poverty_aid.consumption_sale (region_code, helper_id, product, sold_on, amount)
  SELECT c.code6 || '000000', b.id,
         (ARRAY['beef and mutton', 'apples', 'walnuts', 'tea', 'highland barley', 'potatoes', 'honey', 'yak meat'])[1 + i % 8],
         make_date(2017 + i % 4, 1 + (i / 4) % 12, 1 + i % 28),
         round((2000 + 22000 * pg_temp.h(i, 12))::numeric, 2)
  FROM g_param CROSS JOIN generate_series(1, sales) AS i
  JOIN g_county_plan c ON c.ord = 1 + (i * 29) % 832
  JOIN b ON b.n = (i * 17) % (300 + enterprises)
  ORDER BY i;

-- 7. Targets of the whole register, per year -----------------------------------

INSERT INTO poverty_aid.target (indicator, region_code, year, target_value, unit)
  SELECT k.indicator, NULL, y, k.value, k.unit
  FROM g_param p, generate_series(2016, 2020) AS y,
       LATERAL (VALUES ('jobs_found', round(p.jobs * 0.19), 'people'),
                       ('consumption_sales', round(p.sales * 13000.0 * 0.22, -3), 'yuan'),
                       ('projects_started', round(p.projects * 0.19), 'projects')) AS k (indicator, value, unit)
  ORDER BY 1, 3;

-- 8. Indexes and constraints back -----------------------------------------------------------

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT definition FROM g_index LOOP
    EXECUTE c.definition;
  END LOOP;
  FOR c IN SELECT tab, conname, definition FROM g_constraint LOOP
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.tab, c.conname, c.definition);
  END LOOP;
END
$$;

-- 9. Check the loaded rows against the plan, with plain SQL ------------------------

DO $$
DECLARE
  p g_param;
  have jsonb;
  want jsonb;
BEGIN
  SELECT * INTO p FROM g_param;
  SELECT row_to_json(figures)::jsonb INTO have FROM (SELECT
    (SELECT string_agg(province || ':' || counties, ',' ORDER BY province) FROM (
       SELECT substr(l.region_code, 1, 2) AS province, count(*) AS counties
       FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
       WHERE r.level = 'county' GROUP BY 1) AS c) AS counties_by_province,
    (SELECT string_agg(zone || ':' || n, ',' ORDER BY zone) FROM (
       SELECT r.zone, count(*) AS n
       FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
       WHERE r.level = 'county' GROUP BY 1) AS z) AS counties_by_zone,
    (SELECT string_agg(exit_batch || ':' || n, ',' ORDER BY exit_batch) FROM (
       SELECT l.exit_batch, count(*) AS n
       FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
       WHERE r.level = 'county' GROUP BY 1) AS b) AS counties_by_batch,
    (SELECT count(*) FROM poverty_aid.poverty_listing WHERE deep_poverty) AS deep_counties,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'county' AND l.exited_on <= '2020-03-31') AS counties_exited_2020_03_31,
    (SELECT count(*) FROM poverty_aid.region WHERE level = 'province') AS provinces,
    (SELECT count(*) FROM poverty_aid.region WHERE level = 'village') AS villages,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'village') AS poor_villages,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'village' AND l.exited_on <= '2020-12-31') AS poor_villages_exited_2020,
    (SELECT count(*) FROM poverty_aid.poverty_listing c
      WHERE poverty_aid.region_code_level(c.region_code) = 'county'
        AND NOT EXISTS (SELECT 1 FROM poverty_aid.poverty_listing v
                        WHERE v.region_code BETWEEN c.region_code AND substr(c.region_code, 1, 6) || '999999'
                          AND v.region_code <> c.region_code)) AS counties_without_poor_village,
    (SELECT count(*) FROM poverty_aid.poverty_listing c JOIN poverty_aid.poverty_listing v
       ON v.region_code BETWEEN c.region_code AND substr(c.region_code, 1, 6) || '999999' AND v.region_code <> c.region_code
      WHERE poverty_aid.region_code_level(c.region_code) = 'county' AND v.exited_on > c.exited_on) AS villages_exited_after_county,
    hh.household_periods, hh.poor_2020_12_31, hh.households_exited_after_county,
    first.households, first.baseline_members,
    (SELECT count(*) FROM poverty_aid.household_income i JOIN poverty_aid.household h ON h.id = i.household_id
      WHERE h.exited_on <= '2019-12-31' AND i.per_capita_income <= 3218) AS exited_below_line,
    (SELECT count(*) FROM poverty_aid.fund WHERE source IN ('city_fiscal', 'district_fiscal')) AS fiscal_plans,
    (SELECT sum(planned) FROM poverty_aid.fund WHERE source IN ('city_fiscal', 'district_fiscal')) AS fiscal_planned,
    (SELECT count(*) FROM poverty_aid.fund WHERE source IN ('enterprise', 'social')) AS donations,
    (SELECT count(*) FROM poverty_aid.fund_transfer) AS transfers,
    (SELECT count(*) FROM poverty_aid.fund_transfer t JOIN poverty_aid.fund f ON f.id = t.fund_id
      WHERE t.amount > f.planned * 1.15) AS oversized_transfers,
    (SELECT count(DISTINCT target_region_code) FROM poverty_aid.pairing
      WHERE kind = 'district_county' AND valid_from <= '2020-03-31' AND (valid_to IS NULL OR valid_to > '2020-03-31')) AS counties_paired,
    (SELECT count(*) FROM poverty_aid.project) AS projects,
    (SELECT count(*) FROM poverty_aid.project WHERE fund_id IS NULL) AS projects_without_fund,
    (SELECT count(*) FROM poverty_aid.employment) AS jobs,
    (SELECT count(*) FROM poverty_aid.consumption_sale) AS sales
    FROM (SELECT count(*) AS household_periods,
                 count(*) FILTER (WHERE h.exited_on IS NULL OR h.exited_on > '2020-12-31') AS poor_2020_12_31,
                 count(*) FILTER (WHERE h.exited_on > l.exited_on AND h.registered_on < '2018-03-01') AS households_exited_after_county
            FROM poverty_aid.household h
            LEFT JOIN poverty_aid.poverty_listing l ON l.region_code = substr(h.village_code, 1, 6) || '000000') AS hh,
         -- each household once, as first registered
         (SELECT count(*) AS households, sum(members) AS baseline_members
            FROM (SELECT DISTINCT ON (household_no) members FROM poverty_aid.household
                  ORDER BY household_no, registered_on) AS f) AS first
  ) AS figures;
  want := jsonb_build_object(
    'counties_by_province', '13:45,14:36,15:31,22:8,23:20,34:20,36:24,41:38,42:28,43:40,45:33,46:5,50:14,51:66,52:66,53:88,54:74,61:56,62:58,63:42,64:8,65:32',
    'counties_by_zone', 'east:50,central:214,west:568',
    'counties_by_batch', '2016:28,2017:125,2018:283,2019:344,2020:52',
    'deep_counties', 334,
    'counties_exited_2020_03_31', (SELECT count(*) FROM g_county_plan WHERE exited_on <= '2020-03-31'),
    'provinces', 22,
    'villages', p.poor_villages + p.other_villages,
    'poor_villages', p.poor_villages,
    'poor_villages_exited_2020', p.poor_villages,
    'counties_without_poor_village', 0,
    'villages_exited_after_county', 0,
    'household_periods', p.households + (p.households + 63) / 100,
    'households', p.households,
    'baseline_members', p.members,
    'poor_2020_12_31', 0,
    'households_exited_after_county', 0,
    'exited_below_line', 0,
    'fiscal_plans', 832 * 5 * 8,
    'fiscal_planned', (SELECT sum(planned) FROM g_fund),
    'donations', p.donations,
    'transfers', 2 * (832 * 5 * 8 + p.donations),
    'oversized_transfers', 0,
    'counties_paired', 832,
    'projects', p.projects,
    'projects_without_fund', 0,
    'jobs', p.jobs,
    'sales', p.sales);
  IF have <> want THEN
    RAISE EXCEPTION 'national data set does not match its plan'
      USING DETAIL = format('Loaded: %s; planned: %s.', have, want);
  END IF;
END
$$;

COMMIT;

VACUUM ANALYZE poverty_aid.region, poverty_aid.region_population, poverty_aid.poverty_listing,
        poverty_aid.household, poverty_aid.household_income, poverty_aid.helper, poverty_aid.pairing,
        poverty_aid.fund, poverty_aid.fund_transfer, poverty_aid.project, poverty_aid.project_beneficiary,
        poverty_aid.employment, poverty_aid.consumption_sale, poverty_aid.target, poverty_aid.poverty_line,
        poverty_aid.household_tally;
